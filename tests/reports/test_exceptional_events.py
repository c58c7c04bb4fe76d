"""Exceptional events (例外事件): an approved exclusion changes the annual attainment of the affected area; the
statistics are reported with and without it, the daily data stay, the composite index follows, and the event file
is checked line by line."""

import datetime as dt
import re

import polars as pl
import pytest

from assets.air.exceptional_events import EventFileError, append_event, load_events, next_event_id
from assets.reports.build import build_report
from assets.reports.mail import report_mail_text
from assets.reports.period import ReportPeriod
from assets.sql_models.models import build_model
from tests.reports.daily_fixture import STAT_MODELS, build_statistics, daily_rows, find_model
from warehouse.partitions import replace_table

YEAR = [dt.date(2025, 1, 1) + dt.timedelta(days=i) for i in range(365)]
DUST = [dt.date(2025, 3, 10) + dt.timedelta(days=i) for i in range(10)]
STATIONS, AREAS = {"A1", "B1"}, {"自贡", "荣昌"}


def _event(**kw) -> dict:
    return {
        "event_id": "EE-2025-001",
        "scope": "area",
        "code": "自贡",
        "first_day": DUST[0],
        "last_day": DUST[-1],
        "pollutants": "PM10;PM2.5",
        "event_type": "sand_dust",
        "reason": "沙尘过程 (sand and dust from the north)",
        "approved_by": "川南渝西联合办公室 Joint office",
        "approved_on": dt.date(2025, 3, 25),
        "reference": "",
    } | kw


@pytest.fixture(scope="module")
def stats(tmp_path_factory):
    # 自贡: PM2.5 34 on every day but ten dusty days at 120: annual mean (355 x 34 + 10 x 120) / 365 = 36.4 -> 36,
    # above the annual limit 35; without the dust days 34 (attains). 荣昌 unaffected.
    zigong = daily_rows("A1", YEAR, area="自贡", pm25=34.0).with_columns(
        pm25=pl.when(pl.col("day").is_in(DUST)).then(120.0).otherwise(pl.col("pm25")),
        aqi=pl.when(pl.col("day").is_in(DUST)).then(160).otherwise(pl.col("aqi")),
    )
    rongchang = daily_rows("B1", YEAR, area="荣昌", province="重庆", pm25=30.0)
    con = build_statistics(pl.concat([zigong, rongchang]))
    path = append_event(tmp_path_factory.mktemp("events") / "events.csv", _event())
    replace_table(con, "seeds.air_exceptional_events", load_events(path, STATIONS, AREAS))
    for table in STAT_MODELS:  # as `envmon exclude` rebuilds them
        build_model(con, find_model(table))
    yield con
    con.close()


def _one(con, sql: str) -> dict:
    frame = con.sql(sql).pl()
    assert frame.height == 1, frame
    return frame.row(0, named=True)


def test_the_exclusion_changes_the_annual_attainment_and_both_figures_are_kept(stats):
    row = _one(stats, "SELECT * FROM marts.air_exceptional_attainment WHERE scope = 'area' AND period_kind = 'year'")
    assert (row["code"], row["excluded_days"], row["event_ids"]) == ("自贡", 10, "EE-2025-001")
    assert (row["pm25_mean_with_events"], row["pm25_mean_without_events"]) == (36, 34)
    assert (row["attain_all_with_events"], row["attain_all_without_events"], row["attainment_changes"]) == (
        False,
        True,
        True,
    )
    assert row["valid_days_with_events"] == 365 and row["valid_days_without_events"] == 355
    assert "沙尘" in row["reasons"] and row["event_types"] == "sand_dust"


def test_nothing_is_deleted_and_the_marts_keep_every_day_as_measured(stats):
    annual = _one(stats, "SELECT * FROM marts.air_area_annual WHERE area = '自贡'")
    assert (annual["pm25_mean"], annual["attain_pm25"], annual["valid_days"]) == (36, False, 365)
    assert stats.sql("SELECT count(*) FROM marts.air_area_daily WHERE area = '自贡'").fetchall()[0][0] == 365
    # the excluded values still count for data capture: the year stays valid on both bases
    both = stats.sql(
        "SELECT basis, n_pm25, valid_pm25 FROM intermediate.air_period_stats WHERE scope = 'area' "
        "AND code = '自贡' AND period_kind = 'year' ORDER BY basis"
    ).fetchall()
    assert both == [("all_days", 365, True), ("excluding_events", 365, True)]
    # 荣昌 has no event: one basis only, and it is unaffected
    assert stats.sql("SELECT count(*) FROM marts.air_exceptional_attainment WHERE code = '荣昌'").fetchall()[0][0] == 0


def test_the_composite_index_is_given_with_and_without_the_events(stats):
    rows = stats.sql(
        "SELECT basis, i_pm25, excluded_days FROM marts.air_composite_index WHERE area = '自贡' "
        "AND period_kind = 'year' ORDER BY basis"
    ).fetchall()
    assert rows == [("all_days", round(36 / 35, 3), 0), ("excluding_events", round(34 / 35, 3), 10)]
    # an unaffected area carries its measured values on both bases, so that each basis ranks all areas
    assert (
        stats.sql(
            "SELECT count(DISTINCT basis) FROM marts.air_composite_index WHERE area = '荣昌' AND period_kind = 'year'"
        ).fetchall()[0][0]
        == 2
    )


def test_an_area_event_sets_aside_its_stations_days_too(stats):
    days = stats.sql(
        "SELECT scope, count(*) FROM intermediate.air_exceptional_days GROUP BY scope ORDER BY scope"
    ).fetchall()
    zigong_stations = stats.sql("SELECT count(*) FROM seeds.stations WHERE area = '自贡'").fetchall()[0][0]
    assert days == [("area", 10), ("station", 10 * zigong_stations)]


@pytest.mark.parametrize(
    "change, field",
    [
        ({"approved_by": ""}, "approved_by"),
        ({"scope": "city"}, "scope"),
        ({"code": "成都"}, "code"),
        ({"last_day": dt.date(2025, 3, 1)}, "last_day"),
        ({"pollutants": "PM1"}, "pollutants"),
        ({"event_type": "earthquake"}, "event_type"),
    ],
)
def test_a_bad_event_line_is_refused_naming_the_line_and_field(tmp_path, change, field):
    path = append_event(tmp_path / "events.csv", _event())
    append_event(path, _event(event_id="EE-2025-002", **change))
    with pytest.raises(EventFileError, match=rf"events.csv, line 3, field {field}:"):
        load_events(path, STATIONS, AREAS)


def test_event_ids_are_numbered_per_year(tmp_path):
    path = append_event(tmp_path / "events.csv", _event())
    events = load_events(path, STATIONS, AREAS)
    assert next_event_id(events, dt.date(2025, 5, 1)) == "EE-2025-002"
    assert next_event_id(events, dt.date(2026, 1, 1)) == "EE-2026-001"


def test_the_annual_report_says_which_days_were_excluded_and_why_and_shows_both_figures(stats, tmp_path):
    out = build_report(stats, ReportPeriod.year(2025), tmp_path)
    page = out.html.read_text(encoding="utf-8")
    section = page[page.index("例外事件 Exceptional events") : page.index("日空气质量指数日历")]
    assert "自贡 2025-03-10–2025-03-19（沙尘过程 (sand and dust from the north)）" in section
    assert "EE-2025-001" in section and "川南渝西联合办公室 Joint office" in section
    # the with / without row: 10 days set aside, PM2.5 36 -> 34, attains 否 (no) with them, 是 (yes) without
    assert "<td>自贡</td><td>10</td><td>36</td><td>34</td>" in section
    assert re.search(r"<td>自贡</td><td>10</td>(<td>[^<]*</td>){6}<td class=bad>否</td><td>是</td>", section)
    csv = pl.read_csv(out.folder / "csv" / "exceptional_attainment.csv")
    assert csv.select("code", "attain_all_with_events", "attain_all_without_events").rows() == [("自贡", False, True)]
    # the composite index table gives I_sum with and without, and the e-mail names the event
    index = pl.read_csv(out.folder / "csv" / "composite_index.csv")
    zigong = index.filter(pl.col("area") == "自贡").row(0, named=True)
    assert (zigong["excluded_days"], zigong["i_sum"] > zigong["i_sum_excluding_events"]) == (10, True)
    text = report_mail_text(out)
    assert "EE-2025-001 自贡 2025-03-10–2025-03-19" in text and "综合指数排名" in text

"""What an observed-heavy alert says about the warnings: the day after a lift it says the warning was lifted on
D-1 (not "no warning that day"); under a regional warning it names the warning that still applies."""

import datetime as dt

import polars as pl

from assets.alerts.evaluate import evaluate_day
from assets.alerts.notify.contacts import load_contacts
from assets.alerts.rules.candidates import Candidate, area_places
from assets.alerts.rules.lifecycle import apply_day
from assets.alerts.rules.rules_config import load_rules
from tests.alerts_scenario import prepare
from warehouse.connection import write_connection

D = dt.date(2026, 1, 20)
NOW = dt.datetime(2026, 1, 21, 9)


def warning(kind: str, subject: str, level: str) -> Candidate:
    candidate = Candidate(kind, subject, level, "重污染天气预警", "warning", [subject], area_places(subject))
    return load_rules().recipients.route(candidate)


def heavy_day(con, day: dt.date, area: str = "自贡", aqi: int = 236) -> None:
    row = pl.DataFrame(
        {
            "area": [area],
            "province": ["四川"],
            "day": [day],
            "aqi": [aqi],
            "primary_pollutant": ["PM2.5"],
            "stations_used": [4],
        }
    )
    con.register("_day", row.to_arrow())
    con.execute("INSERT INTO marts.air_area_daily BY NAME SELECT * FROM _day")


def observed(con, day: dt.date):
    ev = evaluate_day(con, day, load_rules(), load_contacts(), NOW, ["test"])
    return {c.subject: c for c in ev.candidates if c.kind == "observed_heavy"}


def test_the_day_after_a_lift_says_the_warning_was_lifted_on_d_minus_1(tmp_path):
    db = tmp_path / "w.duckdb"
    prepare(db)
    with write_connection(db) as con:
        apply_day(con, D - dt.timedelta(days=2), [warning("area_warning", "自贡", "yellow")], {"area_warning"}, NOW)
        apply_day(con, D - dt.timedelta(days=1), [], {"area_warning"}, NOW)  # lifted on D-1
        heavy_day(con, D)
        alert = observed(con, D)["自贡"]
    assert "当日无预警" not in alert.summary_zh
    assert "本区县重污染天气预警已于2026-01-19（前一日）解除（area_warning/自贡/2026-01-18）" in alert.summary_zh
    assert "the area's warning area_warning/自贡/2026-01-18 was lifted on 2026-01-19" in alert.summary_en


def test_without_any_warning_it_says_none_was_in_force(tmp_path):
    db = tmp_path / "w.duckdb"
    prepare(db)
    with write_connection(db) as con:
        heavy_day(con, D)
        alert = observed(con, D)["自贡"]
    assert "当日无预警" in alert.summary_zh and "no warning was in force" in alert.summary_en


def test_under_a_regional_warning_it_names_the_warning_that_still_applies(tmp_path):
    db = tmp_path / "w.duckdb"
    prepare(db)
    with write_connection(db) as con:
        apply_day(
            con, D - dt.timedelta(days=1), [warning("regional_warning", "region", "orange")], {"regional_warning"}, NOW
        )
        heavy_day(con, D)
        # the regional warning stays open on D only if the rules raise it again: D's evaluation lifts it (no
        # forecast here), so the text is about the state at the end of D-1, which is what applied on D
        alert = observed(con, D)["自贡"]
    assert "区域联合预警（橙色，regional_warning/region/2026-01-19）仍在执行" in alert.summary_zh


def test_a_warning_open_before_d_means_no_observed_alert(tmp_path):
    db = tmp_path / "w.duckdb"
    prepare(db)
    with write_connection(db) as con:
        apply_day(con, D - dt.timedelta(days=1), [warning("area_warning", "自贡", "yellow")], {"area_warning"}, NOW)
        heavy_day(con, D)  # D's evaluation lifts it (nothing ahead), but it covered D: the forecast did not miss
        assert observed(con, D) == {}

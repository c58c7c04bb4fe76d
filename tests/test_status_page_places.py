"""The area, station, section and assessment pages without a browser: the 30-day window and its limits from the
seed, whose alerts each page shows, the file names, the report links (only reports that exist) and the files of
places no longer in the catalog. The browser tests: tests/test_status_page_places_browser.py."""

import datetime as dt
import json
from pathlib import Path

import duckdb
import pytest

from status_page import place_queries
from status_page.assessment import report_files
from status_page.build import replace_file
from status_page.pages import write_pages
from status_page.places import alerts_by_place, check_ids

ROOT = Path(__file__).resolve().parents[1]
LIMITS = ROOT / "dbt_like_sql" / "seeds" / "air_quality_limits.csv"


def daily_station_mart(first: dt.date, days: int) -> duckdb.DuckDBPyConnection:
    """A small marts.air_station_daily across the change of standard on 2026-03-01, and the real limits seed."""
    con = duckdb.connect()
    con.execute("CREATE SCHEMA seeds; CREATE SCHEMA marts")
    con.execute(f"CREATE TABLE seeds.air_quality_limits AS SELECT * FROM read_csv('{LIMITS}')")
    con.execute(
        """CREATE TABLE marts.air_station_daily AS
           SELECT 'S1' AS station_code, d::DATE AS day, 80 AS aqi, '二级' AS level, '良' AS category_zh,
                  'good' AS category_en, '#FFFF00' AS color, 'PM2.5' AS primary_pollutant, 58.04 AS pm25,
                  90.0 AS o3_8h_max, true AS complete,
                  CASE WHEN d < DATE '2026-03-01' THEN 'GB 3095-2012' ELSE 'GB 3095-2026 transition' END
                      AS limits_standard
           FROM generate_series(?::DATE, ?::DATE, INTERVAL 1 DAY) AS t(d)""",
        [first, first + dt.timedelta(days=days - 1)],
    )
    return con


def test_thirty_days_up_to_the_latest_with_the_limit_of_each_day():
    con = daily_station_mart(dt.date(2026, 2, 1), 40)  # to 2026-03-12
    rows = con.execute(place_queries.air_days("marts.air_station_daily", "station_code")).fetchall()
    days = [r[1] for r in rows]
    assert len(days) == place_queries.WINDOW_DAYS == 30
    assert days[0] == dt.date(2026, 2, 11) and days[-1] == dt.date(2026, 3, 12)
    limits = {r[1]: (r[10], r[11]) for r in rows}  # PM2.5 24-h and O3 8-h, Grade II, as the seed has them
    assert limits[dt.date(2026, 2, 28)] == (75, 160)
    assert limits[dt.date(2026, 3, 1)] == (60, 160)  # GB 3095-2026 transition from its first day
    assert {r[8] for r in rows} == {58.0}  # rounded for the page, not recomputed


def test_each_place_shows_its_own_alerts():
    alert = {"changes": [{"day": dt.date(2025, 11, 4), "status": "issued", "level": "red"}]}
    alerts = [
        {**alert, "event_id": "a", "kind": "area_warning", "subject": "自贡"},
        {**alert, "event_id": "r", "kind": "regional_warning", "subject": "region"},
        {**alert, "event_id": "w", "kind": "river_exceedance", "subject": "CJ04"},
        {**alert, "event_id": "o", "kind": "data_outage", "subject": "泸州"},
    ]
    areas = [{"id": "自贡"}, {"id": "泸州"}, {"id": "荣昌"}]
    stations = [{"id": "1882A", "area": "自贡"}]
    out = {k: [a["event_id"] for a in v] for k, v in alerts_by_place(alerts, areas, stations).items()}
    assert out[("area", "自贡")] == ["a", "r"]
    assert out[("area", "泸州")] == ["o", "r"]
    assert out[("area", "荣昌")] == ["r"]  # the regional warning concerns every area
    assert out[("station", "1882A")] == ["a", "r"]  # a station shows its area's
    assert out[("section", "CJ04")] == ["w"]
    assert alerts[0]["changes"] == [{"day": "2025-11-04", "status": "issued", "level": "red"}]  # JSON-ready


def test_an_id_that_cannot_be_a_file_name_is_refused_loudly():
    check_ids("station", [{"id": "1882A"}, {"id": "自贡"}, {"id": "CJ04"}])
    with pytest.raises(ValueError, match=r"seeds of stations: id '\.\./x' cannot be a file name.*fix the code"):
        check_ids("station", [{"id": "../x"}])


def test_only_the_reports_that_exist_are_linked(tmp_path):
    reports = tmp_path / "reports"
    (reports / "2025-11").mkdir(parents=True)
    (reports / "2025-11" / "envmon_report_2025-11.html").write_text("<p>月报</p>", encoding="utf-8")
    (reports / "2025-10").mkdir()  # a folder whose build failed: no page
    (reports / "2024").mkdir()
    (reports / "2024" / "envmon_report_2024.html").write_text("<p>年报</p>", encoding="utf-8")
    (reports / "scratch").mkdir()
    found = report_files(reports)
    assert [(r["label"], r["kind"], r["href"]) for r in found] == [
        ("2025-11", "month", "reports/envmon_report_2025-11.html"),
        ("2024", "year", "reports/envmon_report_2024.html"),
    ]
    assert report_files(tmp_path / "none") == [] and report_files(None) == []


def test_the_folder_holds_what_the_snapshot_holds(tmp_path):
    source = tmp_path / "reports" / "2025-11" / "envmon_report_2025-11.html"
    source.parent.mkdir(parents=True)
    source.write_text("<p>月报</p>", encoding="utf-8")
    folder = tmp_path / "status"
    (folder / "places" / "station").mkdir(parents=True)
    (folder / "places" / "station" / "9999A.json").write_text("{}")  # a station that left the catalog
    (folder / "reports").mkdir()
    (folder / "reports" / "envmon_report_2025-10.html").write_text("old")  # a report no longer there
    (folder / "assessment").mkdir()
    (folder / "assessment" / "2023-09.json").write_text("{}")  # a month no longer listed (older than 24 months)
    pages = {
        "places": {"area": {"自贡": {"days": []}}, "station": {"1882A": {"days": []}}, "section": {}},
        "common": {"window_days": 30},
        "assessment": {"month": "2025-11", "months": ["2025-11"], "reports": []},
        "assessment_months": {"2025-11": {"month": "2025-11", "months": ["2025-11"], "reports": []}},
        "report_files": [{"source": source}],
    }
    assert write_pages(pages, folder, replace_file) == 2
    assert sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file()) == [
        "assessment.json",
        "assessment/2025-11.json",
        "places/area/自贡.json",
        "places/common.json",
        "places/station/1882A.json",
        "reports/envmon_report_2025-11.html",
    ]
    assert json.loads((folder / "places" / "area" / "自贡.json").read_text(encoding="utf-8")) == {"days": []}
    source.write_text("<p>月报（重新生成）</p>", encoding="utf-8")  # `envmon report` run again for the month
    write_pages(pages, folder, replace_file)
    assert (folder / "reports" / source.name).read_text(encoding="utf-8") == "<p>月报（重新生成）</p>"

"""Open-Meteo adapter replayed through a local HTTP server: parsing, units, time zones, per-area failures,
modelled rows kept apart, and the forecast flowing into forecast.aqi_daily."""

import datetime as dt
import json
from fractions import Fraction

import polars as pl
import pytest

from assets.air.sources import SourceOptions
from assets.catalog.stations import load_station_catalog
from assets.forecast.table import write_forecast
from assets.http_sources.client import HttpClient
from assets.http_sources.open_meteo import PATH, area_centroids, parse_hourly
from assets.http_sources.open_meteo_sources import MODELLED_TABLE, open_meteo_forecast, open_meteo_source
from tests.conftest import SHARED_DATA
from tests.http_replay import FIXTURES, ReplayServer
from warehouse.connection import fetch_polars, write_connection

pytestmark = pytest.mark.server

EPISODE = (FIXTURES / "open_meteo" / "episode_6days.json").read_text(encoding="utf-8")
SAMPLE = SHARED_DATA / "api_samples" / "open_meteo" / "air_quality_hourly_sample.json"
CATALOG = load_station_catalog()
CENTROIDS = area_centroids(CATALOG)


def quick_client() -> HttpClient:
    return HttpClient("open_meteo", sleep=lambda s: None, per_host_per_second=0, read_timeout=2)


def area_of(query) -> str:
    lat = float(query["latitude"])
    return CENTROIDS.filter(pl.col("lat") == lat)["area"].item()


def need_sample():
    if not SAMPLE.exists():
        pytest.skip(f"shared API sample not found at {SAMPLE} (present in CI, absent in a fresh clone)")
    return json.loads(SAMPLE.read_text(encoding="utf-8"))


def test_real_sample_parses_with_time_zone_converted_and_missing_pollutants_reported():
    payload = need_sample()  # Lahore, Asia/Karachi (UTC+5), only pm2_5 and pm10
    frame, problems = parse_hourly(payload, "X", "sample")
    assert frame.height == len(payload["hourly"]["time"]) == 120
    first = frame.row(0, named=True)
    assert first["ts"] == dt.datetime(2026, 10, 8, 3)  # 00:00 at UTC+5 is 03:00 CST
    assert first["pm25"] == payload["hourly"]["pm2_5"][0] and first["pm10"] == payload["hourly"]["pm10"][0]
    assert frame["o3"].null_count() == 120
    assert sorted(p["field"] for p in problems) == ["carbon_monoxide", "nitrogen_dioxide", "ozone", "sulphur_dioxide"]


def test_modelled_source_keeps_rows_apart_with_units_and_natural_day():
    with ReplayServer({PATH: [(200, EPISODE, {})]}) as srv:
        batch = open_meteo_source(dt.date(2026, 11, 11), CATALOG, SourceOptions(openmeteo_url=srv.url), quick_client())
    assert batch.rows.height == 0  # nothing for staging.air_hourly: modelled, not measured
    modelled = batch.side_tables[MODELLED_TABLE]
    assert modelled["area"].n_unique() == 10 and modelled.height == 240
    assert modelled["ts"].min() == dt.datetime(2026, 11, 11, 1) and modelled["ts"].max() == dt.datetime(2026, 11, 12)
    raw = json.loads(EPISODE)["hourly"]
    i = raw["time"].index("2026-11-11T01:00")
    row = modelled.filter(pl.col("ts") == dt.datetime(2026, 11, 11, 1)).row(0, named=True)
    assert row["co"] == pytest.approx(raw["carbon_monoxide"][i] / 1000)  # ug/m3 -> mg/m3
    assert row["pm25"] == raw["pm2_5"][i] and row["so2"] == raw["sulphur_dioxide"][i]
    query = srv.requests[0]["query"]
    assert query["timezone"] == "Asia/Shanghai" and query["start_date"] == "2026-11-11"
    assert query["end_date"] == "2026-11-12"  # the 24:00 label is dated the next day
    assert set(query["hourly"].split(",")) == {
        "pm2_5",
        "pm10",
        "ozone",
        "nitrogen_dioxide",
        "sulphur_dioxide",
        "carbon_monoxide",
    }
    assert srv.requests[0]["headers"]["User-Agent"].startswith("envmon/")


def test_per_area_failures_are_reported_and_the_rest_kept():
    bad_unit = json.loads(EPISODE)
    bad_unit["hourly_units"]["carbon_monoxide"] = "ppm"
    empty = json.loads(EPISODE)
    empty["hourly"] = {k: [] for k in empty["hourly"]}
    calls = {}

    def respond(query):
        area = area_of(query)
        calls[area] = calls.get(area, 0) + 1
        if area == "自贡":
            return 200, "{not json", {}
        if area == "泸州" and calls[area] == 1:
            return 500, "upstream busy", {}
        if area == "内江":
            return 200, json.dumps(bad_unit), {}
        if area == "宜宾":
            return 200, json.dumps(empty), {}
        return 200, EPISODE, {}

    with ReplayServer({PATH: [respond]}) as srv:
        client = quick_client()
        batch = open_meteo_source(dt.date(2026, 11, 11), CATALOG, SourceOptions(openmeteo_url=srv.url), client)
    modelled = batch.side_tables[MODELLED_TABLE]
    assert sorted(modelled["area"].unique()) == sorted(set(CENTROIDS["area"]) - {"自贡", "宜宾"})
    assert calls["泸州"] == 2 and client.waits == [1.0]  # 500 then success: retried once
    neijiang = modelled.filter(pl.col("area") == "内江")
    assert neijiang["co"].null_count() == 24 and neijiang["pm25"].null_count() == 0
    by_area = {p["row"]: p["message"] for p in batch.problems}
    assert "malformed JSON" in by_area["自贡"] and "area skipped" in by_area["自贡"]
    assert "unexpected unit 'ppm'" in by_area["内江"]
    assert "empty result" in by_area["宜宾"]


def _pm25_iaqi_2026(values) -> int:
    """Independent oracle: 24-h mean rounded half-even, then HJ 633-2026 PM2.5 24-h segment arithmetic."""
    mean = round(sum(Fraction(str(v)) for v in values) / len(values))  # Python's round: half to even
    table = [(0, 0), (35, 50), (60, 100), (115, 150), (150, 200), (250, 300), (350, 400), (500, 500)]
    for (c_lo, i_lo), (c_hi, i_hi) in zip(table, table[1:]):
        if c_lo <= mean <= c_hi:
            return i_lo + -(-(i_hi - i_lo) * (mean - c_lo) // (c_hi - c_lo))
    return 500


def test_forecast_from_the_episode_fills_forecast_table(tmp_path):
    with ReplayServer({PATH: [(200, EPISODE, {})]}) as srv:
        rows, problems = open_meteo_forecast(dt.date(2026, 11, 10), CATALOG, srv.url, 5, quick_client())
    assert problems == []
    assert srv.requests[0]["query"]["end_date"] == "2026-11-15"
    assert rows.height == 50 and set(rows["target_date"]) == {dt.date(2026, 11, 10) + dt.timedelta(d) for d in range(5)}
    raw = json.loads(EPISODE)["hourly"]
    for target in rows.filter(pl.col("area") == "大足").iter_rows(named=True):
        first = raw["time"].index(f"{target['target_date']}T01:00")
        day_pm25 = raw["pm2_5"][first : first + 24]
        if first + 24 > len(raw["time"]):
            continue
        assert target["pm25"] == pytest.approx(sum(day_pm25) / 24)
        if target["primary_pollutant"] == "PM2.5":
            assert target["aqi"] == _pm25_iaqi_2026(day_pm25)
    first_day = rows.filter(pl.col("target_date") == dt.date(2026, 11, 10))
    assert first_day["standard"].unique().to_list() == ["HJ 633-2026"]
    assert (rows.group_by("target_date").agg(pl.col("aqi").max()).sort("target_date")["aqi"] > 200).to_list() == [
        False,
        True,
        True,
        True,
        False,
    ]  # the episode: three days above 200 (orange criteria if one is above 300)
    assert rows.filter(pl.col("target_date") == dt.date(2026, 11, 13))["aqi"].min() > 300
    db = tmp_path / "w.duckdb"
    with write_connection(db) as con:
        other = rows.head(3).with_columns(source=pl.lit("csv_import"))
        write_forecast(con, other, "csv_import", dt.date(2026, 11, 10), dt.date(2026, 11, 9))
        for _ in range(2):  # a re-run replaces the (source, issue_date) forecast, never duplicates
            write_forecast(con, rows, "open_meteo", dt.date(2026, 11, 10), dt.date(2026, 11, 9))
        stored = fetch_polars(con, "SELECT * FROM forecast.aqi_daily ORDER BY source, area, target_date")
    assert stored.group_by("source").len().sort("source").rows() == [("csv_import", 3), ("open_meteo", 50)]
    mine = stored.filter(pl.col("source") == "open_meteo").drop("load_partition")
    assert mine.select(rows.columns).sort("area", "target_date").equals(rows.sort("area", "target_date"))


def test_forecast_from_the_real_sample():
    payload = need_sample()
    with ReplayServer({PATH: [(200, json.dumps(payload), {})]}) as srv:
        rows, problems = open_meteo_forecast(dt.date(2026, 10, 8), CATALOG, srv.url, 4, quick_client())
    assert rows.height == 40 and len(problems) == 40  # 4 gases missing in each of 10 areas, reported
    day1 = rows.filter((pl.col("area") == "自贡") & (pl.col("target_date") == dt.date(2026, 10, 8))).row(0, named=True)
    hours = payload["hourly"]["pm2_5"][:22]  # 03:00 .. 24:00 CST of the natural day (22 >= 20 hours)
    assert day1["pm25"] == pytest.approx(sum(hours) / 22)
    # 2026: with gases missing, AQI is published only when above 100 (from PM2.5 here)
    expected = _pm25_iaqi_2026(hours)
    assert day1["aqi"] == (expected if expected > 100 else None)
    assert day1["so2"] is None and day1["o3_8h"] is None

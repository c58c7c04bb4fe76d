"""A real Dagster run of the archive source (--source archive --input FOLDER) on one real day."""

import datetime as dt

import dagster as dg
import duckdb
import pytest

from tests.conftest import need_shared_data
from tests.pipeline_runs import run_days
from warehouse.paths import DataPaths

pytestmark = pytest.mark.pipeline

DAY = dt.date(2023, 1, 21)


def test_archive_source_through_dagster_reaches_the_marts(data_dir):
    folder = need_shared_data("china_sites_20230121.csv", "china_sites_20230122.csv")
    (result,) = run_days(data_dir, [DAY], air_source="archive", input_path=str(folder))
    (event,) = [
        e for e in result.get_asset_materialization_events() if e.asset_key == dg.AssetKey(["staging", "air_hourly"])
    ]
    meta = event.materialization.metadata
    assert meta["source"].value == "archive"
    assert meta["stations_not_in_catalog"].value > 1500  # the national file, the region's catalog
    assert meta["empty_columns"].value["china_sites_20230121.csv"]["count"] > 300
    assert meta["next_day_file"].value == "china_sites_20230122.csv"

    con = duckdb.connect(str(DataPaths(data_dir).snapshot), read_only=True)
    try:
        q = lambda sql: con.execute(sql).fetchall()  # noqa: E731
        assert q("SELECT count(DISTINCT station_code), min(ts), max(ts) FROM staging.air_hourly") == [
            (25, dt.datetime(2023, 1, 21, 1), dt.datetime(2023, 1, 22, 0))
        ]
        assert meta["stations_not_in_catalog_rows"].value > 30000  # reported, out of scope, not loaded
        assert (
            q("SELECT count(*) FROM staging.air_hourly_published WHERE load_partition = DATE '2023-01-21'")[0][0] > 550
        )
        # our AQI equals the published one on every station-hour: the value checks invalidate nothing that the
        # platform used (calibrated: tests/test_flag_calibration_real_data.py), the suspect flags keep their values
        mismatches = q("""
            SELECT a.station_code, a.ts, a.aqi, p.aqi
            FROM marts.air_hourly_aqi AS a JOIN staging.air_hourly_published AS p USING (station_code, ts)
            WHERE p.aqi IS NOT NULL AND a.aqi IS DISTINCT FROM p.aqi""")
        total = q("SELECT count(*) FROM staging.air_hourly_published WHERE aqi IS NOT NULL")[0][0]
        assert total > 550 and mismatches == [], mismatches
        suspect = q(
            "SELECT count(*) FROM staging.air_value_flags AS f JOIN seeds.quality_flags AS s USING (flag_code) "
            "WHERE NOT s.invalidates"
        )[0][0]
        assert suspect > 0  # PMR, STS, SPS: shown to staff
        assert q("SELECT count(*) FROM marts.air_station_daily")[0][0] == 25
        assert q("SELECT count(*) FROM marts.air_area_daily WHERE aqi IS NOT NULL")[0][0] == 10
    finally:
        con.close()

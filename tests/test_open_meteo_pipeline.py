"""The Open-Meteo forecast in a real Dagster run (replayed on 127.0.0.1): it lands in forecast.aqi_daily and drives
the national warning criteria; as an observation source its modelled rows land apart and the station data stay."""

import datetime as dt

import dagster as dg
import polars as pl
import pytest

from assets.air.assets import air_hourly, station_catalog
from assets.alerts.rules.air_warnings import area_warnings
from assets.alerts.rules.rules_config import load_rules
from assets.http_sources.assets import open_meteo_forecast_asset
from assets.http_sources.open_meteo import PATH
from assets.resources import resources_for
from tests.http_replay import FIXTURES, ReplayServer
from warehouse.connection import fetch_polars, read_connection
from warehouse.paths import DataPaths

pytestmark = [pytest.mark.pipeline, pytest.mark.server]

EPISODE = (FIXTURES / "open_meteo" / "episode_6days.json").read_text(encoding="utf-8")


def test_daily_run_on_open_meteo_then_warnings(data_dir):
    with ReplayServer({PATH: [(200, EPISODE, {})]}) as srv:
        result = dg.materialize(
            [station_catalog, open_meteo_forecast_asset],
            partition_key="2026-11-09",  # issued 2026-11-10, the fixture's first day
            resources=resources_for(str(data_dir), openmeteo_url=srv.url, openmeteo_forecast_days=5),
            instance=dg.DagsterInstance.ephemeral(),
        )
    assert result.success
    with read_connection(DataPaths(data_dir).warehouse) as con:
        forecast = fetch_polars(con, "SELECT * FROM forecast.aqi_daily ORDER BY area, target_date")
    assert forecast.height == 50 and set(forecast["issue_date"]) == {dt.date(2026, 11, 10)}
    assert set(forecast["source"]) == {"open_meteo"} and set(forecast["load_partition"]) == {dt.date(2026, 11, 9)}

    provinces = pl.read_csv(FIXTURES.parents[1] / "dbt_like_sql" / "seeds" / "areas.csv").select("area", "province")
    series = (
        forecast.select("area", pl.col("target_date").alias("day"), "aqi")
        .join(provinces, on="area")
        .with_columns(observed=pl.lit(False))
    )
    found = area_warnings(series, dt.date(2026, 11, 10), load_rules().warning)
    # three forecast days above 200 with one above 300: orange in every area (the fixture is served for all ten)
    assert sorted(e.area for e in found) == sorted(provinces["area"])
    assert {e.level for e in found} == {"orange"}


def test_modelled_observations_never_touch_the_station_data(data_dir):
    """A run of the daily air asset on Open-Meteo fills staging.air_modelled_hourly and leaves the day's station
    readings (loaded before from the generator) exactly as they were."""
    day, instance = "2026-11-10", dg.DagsterInstance.ephemeral()
    assert dg.materialize(
        [station_catalog, air_hourly], partition_key=day, resources=resources_for(str(data_dir)), instance=instance
    ).success
    with read_connection(DataPaths(data_dir).warehouse) as con:
        before = fetch_polars(con, "SELECT * FROM staging.air_hourly ORDER BY ALL")
    with ReplayServer({PATH: [(200, EPISODE, {})]}) as srv:
        result = dg.materialize(
            [station_catalog, air_hourly],
            partition_key=day,
            instance=instance,
            resources=resources_for(str(data_dir), air_source="open_meteo", openmeteo_url=srv.url),
        )
    assert result.success
    checks = {c.check_name: c.passed for c in result.get_asset_check_evaluations()}
    assert checks == {"batch_usable": True, "data_capture_gb3095": True}
    with read_connection(DataPaths(data_dir).warehouse) as con:
        after = fetch_polars(con, "SELECT * FROM staging.air_hourly ORDER BY ALL")
        modelled = fetch_polars(con, "SELECT area, count(*) AS n FROM staging.air_modelled_hourly GROUP BY area")
        batches = fetch_polars(con, "SELECT dataset, source FROM meta.batches ORDER BY dataset")
    assert before.height > 500 and after.equals(before)
    assert modelled.height == 10 and set(modelled["n"]) == {24}
    assert batches.rows() == [("air_hourly", "generator"), ("air_modelled", "open_meteo")]

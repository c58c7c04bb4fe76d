"""The Open-Meteo forecast in a real Dagster run (replayed on 127.0.0.1): it lands in forecast.aqi_daily and drives
the national warning criteria. (The modelled-observation path is tested at the adapter level in test_open_meteo.py:
in a Dagster run the validation's "empty batch" blocking check currently stops an air batch with no station rows.)"""

import datetime as dt

import dagster as dg
import polars as pl

from assets.air.assets import station_catalog
from assets.alerts.air_warnings import area_warnings
from assets.alerts.rules_config import load_rules
from assets.http_sources.assets import open_meteo_forecast_asset
from assets.http_sources.open_meteo import PATH
from assets.resources import resources_for
from tests.http_replay import FIXTURES, ReplayServer
from warehouse.connection import fetch_polars, read_connection
from warehouse.paths import DataPaths

EPISODE = (FIXTURES / "open_meteo" / "episode_6days.json").read_text(encoding="utf-8")


def test_daily_run_on_open_meteo_then_warnings(data_dir):
    with ReplayServer({PATH: [(200, EPISODE, {})]}) as srv:
        result = dg.materialize(
            [station_catalog, open_meteo_forecast_asset],
            partition_key="2026-11-09",  # issued 2026-11-10, the fixture's first day
            resources=resources_for(
                str(data_dir), openmeteo_url=srv.url, openmeteo_forecast_days=5
            ),
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
        .join(provinces, on="area").with_columns(observed=pl.lit(False))
    )
    found = area_warnings(series, dt.date(2026, 11, 10), load_rules()["warning"])
    # three forecast days above 200 with one above 300: orange in every area (the fixture is served for all ten)
    assert sorted(e.area for e in found) == sorted(provinces["area"])
    assert {e.level for e in found} == {"orange"}

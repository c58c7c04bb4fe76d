"""Drives the alert rules day by day on a small warehouse: generator forecasts and observed area AQI, no Dagster.

Observed daily AQI per area is computed from the generator's hourly data by the HJ 633 daily method shared with the
forecasts (area mean of the stations' hours, then daily means), which is what the air marts hold up to rounding.
"""

import datetime as dt
from pathlib import Path

import polars as pl

from assets.air.generator import GeneratorConfig, generate_air_day
from assets.alerts.evaluate import evaluate_day
from assets.alerts.notify.contacts import load_contacts
from assets.alerts.rules.rules_config import load_rules
from assets.catalog.stations import active_stations, load_station_catalog
from assets.forecast.daily_aqi import daily_aqi, daily_concentrations
from assets.forecast.inputs import GENERATOR_SOURCE, generator_forecast
from assets.forecast.table import write_forecast
from assets.sql_models.models import build_model, load_seed
from warehouse.connection import write_connection

NOW = dt.datetime(2026, 1, 1, 9)


def prepare(db: Path) -> None:
    with write_connection(db) as con:
        load_seed(con, "areas")
        con.register("_stations", load_station_catalog().to_arrow())
        con.execute("CREATE OR REPLACE TABLE seeds.stations AS SELECT * FROM _stations")
        con.execute(
            "CREATE TABLE IF NOT EXISTS marts.air_area_daily (area VARCHAR, province VARCHAR, day DATE, aqi INTEGER, "
            "primary_pollutant VARCHAR, stations_used INTEGER)"
        )


def observed_area_daily(day: dt.date, seed: int = 2023) -> pl.DataFrame:
    catalog = load_station_catalog()
    stations = active_stations(catalog)
    hours = pl.concat(
        [generate_air_day(stations, d, GeneratorConfig(seed, 0.0))[0] for d in (day, day + dt.timedelta(days=1))]
    )
    hourly = (
        hours.join(stations.select(pl.col("code").alias("station_code"), "area", "province"), on="station_code")
        .group_by("area", "ts")
        .agg(pl.col("pm25", "pm10", "so2", "no2", "o3", "co").mean())
    )
    daily = daily_aqi(daily_concentrations(hourly, key="area").filter(pl.col("day") == day), key="area")
    provinces = catalog.select("area", "province").unique()
    return daily.join(provinces, on="area").select(
        "area",
        "province",
        "day",
        pl.col("aqi").cast(pl.Int32),
        "primary_pollutant",
        pl.lit(3).cast(pl.Int32).alias("stations_used"),
    )


def run_day(db: Path, day: dt.date, rules=None, seed: int = 2023):
    """One daily run of the alert part: the observed day, the forecast issued the next morning, the rules."""
    rules = rules or load_rules()
    issue = day + dt.timedelta(days=1)
    forecast = generator_forecast(load_station_catalog(), issue, rules.warning.forecast_horizon_days, seed)
    observed = observed_area_daily(day, seed)
    with write_connection(db) as con:
        write_forecast(con, forecast, GENERATOR_SOURCE, issue, day)
        con.execute("DELETE FROM marts.air_area_daily WHERE day = ?", [day])
        con.register("_obs", observed.to_arrow())
        con.execute("INSERT INTO marts.air_area_daily BY NAME SELECT * FROM _obs")
        return evaluate_day(con, day, rules, load_contacts(), NOW, ["test"])


def build_models(con, targets: list[str]) -> None:
    """Load every seed and build ``targets`` with their upstream SQL models, in dependency order."""
    from assets.sql_models.models import discover_models, discover_seeds

    for name in discover_seeds():
        load_seed(con, name)
    models = {m.table: m for m in discover_models()}
    done: set[str] = set()

    def build(table: str) -> None:
        if table in done or table not in models:
            return
        for schema, name in models[table].upstream:
            build(f"{schema}.{name}")
        build_model(con, models[table])
        done.add(table)

    for table in targets:
        build(table)

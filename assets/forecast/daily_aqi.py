"""Forecast daily AQI per area, scored by the project's own models: the same capture rules (seeds.air_data_capture),
the same HJ 633 arithmetic (macros, ``intermediate.air_iaqi``, ``intermediate.air_aqi``) and the same standards
and breakpoints as the marts, on an in-memory DuckDB. Nothing here is a rule: a forecast area plays a station.

- ``daily_concentrations(hourly)``: hourly rows ``<key>, ts, pm25, pm10, so2, no2, o3, co`` (ts = end of the hour,
  CST) -> per key x natural day the 24-h means (NULL with fewer than 20 hours), the O3 daily max 8-h (valid with
  14 of the 17 windows, or above the Grade II limit), the O3 daily max 1-h, the valid windows and the hours;
- ``daily_aqi(daily)``: daily concentrations -> ``standard``, ``aqi``, ``primary_pollutant`` (names and ties as
  the marts publish them, none when AQI <= 50; 2026 publishes a partial AQI only above 100).
"""

from __future__ import annotations

import duckdb
import polars as pl

from assets.sql_models.models import build_model, create_macros, discover_models, load_seed
from warehouse.connection import fetch_polars
from warehouse.schema import ensure_schema

MEANS = ("pm25", "pm10", "so2", "no2", "co")
SEEDS = (
    "pollutants",
    "aqi_breakpoints",
    "aqi_standards",
    "aqi_levels",
    "air_quality_limits",
    "air_data_capture",
    "quality_flags",
)
# a forecast area plays a station: it stands alone, in no area of the catalog
_NO_STATIONS = (
    "CREATE TABLE seeds.stations (code VARCHAR, name VARCHAR, area VARCHAR, province VARCHAR, in_service BOOLEAN)"
)


def daily_concentrations(hourly: pl.DataFrame, key: str = "area") -> pl.DataFrame:
    rows = (
        hourly.rename({key: "station_code"})
        .with_columns([pl.lit(None, pl.Float64).alias(c) for c in (*MEANS, "o3") if c not in hourly.columns])
        .select("station_code", "ts", *MEANS, "o3")
    )
    with _scoring_db() as con:
        con.register("_hourly", rows.to_arrow())
        con.execute(
            "INSERT INTO staging.air_hourly BY NAME SELECT *, 'forecast' AS source, 'forecast' AS batch_id, "
            "CAST(ts - INTERVAL 1 HOUR AS DATE) AS load_partition FROM _hourly"
        )
        _build(con, "intermediate.air_hourly_valid", "intermediate.air_station_daily_values")
        daily = fetch_polars(
            con,
            f"""
            SELECT station_code AS "{key}", day, {", ".join(MEANS)}, o3_8h_max AS o3_8h, o3_1h_max, o3_8h_windows,
                   greatest(hours_pm25, hours_pm10, hours_so2, hours_no2, hours_co, hours_o3) AS hours
            FROM intermediate.air_station_daily_values ORDER BY 1, 2""",
        )
    return daily


def daily_aqi(daily: pl.DataFrame, key: str = "area") -> pl.DataFrame:
    """``daily`` (from ``daily_concentrations``, or a forecast file's concentrations) with the day's AQI."""
    values = daily.select(
        pl.col(key).cast(pl.String).alias("station_code"),
        "day",
        *MEANS,
        pl.col("o3_8h").alias("o3_8h_max"),
        "o3_1h_max",
        *[pl.col(c).is_not_null().alias(f"valid_{c}") for c in MEANS],
        pl.col("o3_8h").is_not_null().alias("valid_o3_8h"),
    )
    with _scoring_db() as con:
        con.register("_daily", values.to_arrow())
        con.execute("CREATE TABLE intermediate.air_station_daily_values AS SELECT * FROM _daily")
        _build(
            con,
            "intermediate.air_hourly_valid",
            "intermediate.air_hourly_moving",
            "intermediate.air_area_daily_values",
            "intermediate.air_concentrations_long",
            "intermediate.air_iaqi",
            "intermediate.air_aqi",
        )
        scored = fetch_polars(
            con,
            "SELECT subject AS station_code, day, standard, aqi, primary_pollutant "
            "FROM intermediate.air_aqi WHERE scale = 'station_day'",
        )
    return daily.join(
        scored.rename({"station_code": key}).with_columns(pl.col(key).cast(daily.schema[key])),
        on=[key, "day"],
        how="left",
    )


class _scoring_db:
    """An in-memory warehouse with the seeds, macros and rules the air models need, and no station catalog."""

    def __enter__(self) -> duckdb.DuckDBPyConnection:
        self.con = duckdb.connect()
        ensure_schema(self.con)
        create_macros(self.con)
        for seed in SEEDS:
            load_seed(self.con, seed)
        self.con.execute(_NO_STATIONS)
        _build(self.con, "intermediate.air_rules_by_day")
        return self.con

    def __exit__(self, *exc) -> None:
        self.con.close()


def _build(con: duckdb.DuckDBPyConnection, *tables: str) -> None:
    models = {m.table: m for m in discover_models()}
    for table in tables:
        build_model(con, models[table], macros=False)  # created with the database

"""A warehouse holding hand-made daily marts (the column contract of marts.air_station_daily / air_area_daily),
with the seeds and the statistics models built on top: HJ 663 rules are checked on numbers a person can verify."""

from __future__ import annotations

import datetime as dt

import duckdb
import polars as pl

from assets.sql_models.models import PROJECT_DIR, build_model, create_macros, discover_models, load_seed

# The statistics models, in build order.
STAT_MODELS = (
    "intermediate.air_exceptional_days",
    "intermediate.air_daily_assessed",
    "intermediate.air_period_stats",
    "marts.air_station_monthly",
    "marts.air_station_annual",
    "marts.air_station_ytd",
    "marts.air_area_monthly",
    "marts.air_area_annual",
    "marts.air_area_ytd",
    "marts.air_region_stats",
    "marts.air_composite_index",
    "marts.air_exceptional_attainment",
)
SEEDS = (
    "aqi_levels",
    "air_quality_limits",
    "air_period_capture",
    "areas",
    "stations",
    "air_exceptional_events",
    "air_composite_index_limits",
)
POLLUTANTS = ("pm25", "pm10", "so2", "no2", "co", "o3_8h")


def find_model(table: str):
    for model in discover_models(PROJECT_DIR):
        if model.table == table:
            return model
    raise LookupError(f"no SQL model for {table}")


def daily_rows(
    code: str,
    days: list[dt.date],
    *,
    area: str = "自贡",
    province: str = "四川",
    pm25: float = 30.0,
    aqi: int | None = 60,
    valid: bool = True,
    **values,
) -> pl.DataFrame:
    """Daily rows for one station: every pollutant valid (or not), the given concentrations and AQI."""
    n = len(days)
    base = {"pm10": 50.0, "so2": 8.0, "no2": 25.0, "co": 0.8, "o3_8h_max": 90.0} | values
    frame = {
        "station_code": [code] * n,
        "area": [area] * n,
        "province": [province] * n,
        "day": days,
        "standard": ["HJ 633-2012"] * n,
        "limits_standard": ["GB 3095-2012"] * n,
        "pm25": [pm25] * n,
        **{k: [v] * n for k, v in base.items()},
        **{f"valid_{p}": [valid] * n for p in POLLUTANTS},
        "aqi": [aqi] * n,
        "level": [None] * n,
        "category_zh": [None] * n,
        "primary_pollutant": [None] * n,
        **{f"exceed_{p}": [False] * n for p in POLLUTANTS},
    }
    return pl.DataFrame(
        frame,
        schema_overrides={
            "aqi": pl.Int64,
            "level": pl.String,
            "category_zh": pl.String,
            "primary_pollutant": pl.String,
        },
    )


def month_days(year: int, month: int, count: int | None = None) -> list[dt.date]:
    first = dt.date(year, month, 1)
    nxt = dt.date(year + month // 12, month % 12 + 1, 1)
    days = [first + dt.timedelta(days=i) for i in range((nxt - first).days)]
    return days if count is None else days[:count]


def build_statistics(station_daily: pl.DataFrame, area_daily: pl.DataFrame | None = None) -> duckdb.DuckDBPyConnection:
    """An in-memory warehouse with the given daily marts and every statistics model built from them."""
    con = duckdb.connect()
    for schema in ("seeds", "marts", "intermediate"):
        con.execute(f"CREATE SCHEMA {schema}")
    for seed in SEEDS:
        load_seed(con, seed)
    if area_daily is None:  # one station per area: the area's day is the station's day
        area_daily = station_daily.drop("station_code").with_columns(stations_used=pl.lit(1))
    con.register("_station", station_daily.to_arrow())
    con.register("_area", area_daily.to_arrow())
    con.execute("CREATE TABLE marts.air_station_daily AS SELECT * FROM _station")
    con.execute("CREATE TABLE marts.air_area_daily AS SELECT * FROM _area")
    create_macros(con)
    for table in STAT_MODELS:
        build_model(con, find_model(table))
    return con

"""A throw-away DuckDB with the project's seeds, given hourly rows, and the air AQI models built on them."""

import datetime as dt

import duckdb
import polars as pl

from assets.catalog.stations import load_station_catalog
from assets.sql_models.build import build_project
from warehouse.partitions import replace_partition
from warehouse.schema import ensure_schema

AIR_MARTS = [
    "marts.air_hourly_aqi",
    "marts.air_station_daily",
    "marts.air_area_daily",
    "marts.air_hourly_moving",
    "marts.air_area_hourly_rolling",
]
POLLUTANTS = ("pm25", "pm10", "so2", "no2", "o3", "co")


def air_warehouse(rows: pl.DataFrame, catalog: pl.DataFrame | None = None) -> duckdb.DuckDBPyConnection:
    """Rows (station_code, ts, any of pm25 ... co) straight into staging.air_hourly, then the marts."""
    con = duckdb.connect()
    ensure_schema(con)
    catalog = load_station_catalog() if catalog is None else catalog
    con.register("_catalog", catalog.to_arrow())
    con.execute("CREATE OR REPLACE TABLE seeds.stations AS SELECT * FROM _catalog")
    staged = rows.with_columns(
        [pl.lit(None, pl.Float64).alias(p) for p in POLLUTANTS if p not in rows.columns]
    ).with_columns(
        source=pl.lit("test"),
        batch_id=pl.lit("test"),
        load_partition=(pl.col("ts") - pl.duration(hours=1)).dt.date(),
    )
    replace_partition(con, "staging.air_hourly", staged, "true", [])
    build_project(con, AIR_MARTS, skip_seeds=("stations",))
    return con


def constant_day(day: dt.date, hours: range = range(1, 25), station: str = "3351A", **values: float) -> pl.DataFrame:
    """One station's natural day (labels D 01:00 ... D+1 00:00), the given hours only, constant values."""
    start = dt.datetime.combine(day, dt.time(0))
    ts = [start + dt.timedelta(hours=h) for h in hours]
    return pl.DataFrame(
        {"station_code": [station] * len(ts), "ts": ts, **{k: [float(v)] * len(ts) for k, v in values.items()}},
        schema_overrides={"ts": pl.Datetime("us")},
    )


def one(con: duckdb.DuckDBPyConnection, sql: str, params: list | None = None) -> dict:
    frame = con.sql(sql, params=params).pl()
    assert frame.height == 1, f"expected one row, got {frame.height}: {sql}"
    return frame.row(0, named=True)

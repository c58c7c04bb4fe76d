"""Build the water SQL models on a scratch DuckDB from given staging rows (no Dagster)."""

import datetime as dt
from pathlib import Path

import duckdb
import polars as pl

from assets.sql_models.models import build_model, discover_models, load_seed
from assets.water.sections import load_sections
from assets.water.sources import TIDY_SCHEMA
from warehouse.connection import fetch_polars
from warehouse.schema import ensure_schema

WATER_SEEDS = (
    "water_parameters",
    "water_classes",
    "water_river_status",
    "water_class_limits_gb3838",
    "water_evaluated_parameters",
    "quality_ranges",
    "quality_flags",
    "border_tolerances",
)


def water_models() -> list:
    """The water models in dependency order."""
    models = {m.table: m for m in discover_models() if "water" in m.name}
    ordered, done = [], set()
    while len(ordered) < len(models):
        for table, m in models.items():
            ups = {f"{s}.{t}" for s, t in m.upstream} & set(models)
            if table not in done and ups <= done:
                ordered.append(m)
                done.add(table)
    return ordered


def build_water_marts(
    path: Path, readings: list[dict], sections: pl.DataFrame | None = None
) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect(str(path))
    ensure_schema(con)
    for seed in WATER_SEEDS:
        load_seed(con, seed)
    con.register("_s", (sections if sections is not None else load_sections()).to_arrow())
    con.execute("CREATE OR REPLACE TABLE seeds.water_sections AS SELECT * FROM _s")
    insert_readings(
        con, pl.DataFrame(readings, schema=TIDY_SCHEMA) if readings and isinstance(readings, list) else readings
    )
    rebuild(con)
    return con


def insert_readings(con, frame: pl.DataFrame) -> None:
    if frame is None or not len(frame):
        return
    staged = frame.with_columns(
        source=pl.lit("test"), batch_id=pl.lit("b"), load_partition=pl.col("ts").dt.offset_by("-1h").dt.date()
    )
    con.register("_r", staged.to_arrow())
    con.execute("INSERT INTO staging.water_readings BY NAME SELECT * FROM _r")


def rebuild(con) -> None:
    for model in water_models():
        build_model(con, model)


def reading(section: str, ts: str, **values) -> dict:
    base = {c: None for c in TIDY_SCHEMA}
    base.update(section_code=section, ts=dt.datetime.fromisoformat(ts), **values)
    return base


def query(con, sql: str, params=None) -> pl.DataFrame:
    return fetch_polars(con, sql, params)

"""The dbt_like_sql project in Dagster: one asset per seed CSV and per SQL model, dependencies read from the SQL.

Like dagster-dbt, the assets are specs of two multi-assets (seeds, models) that can be subset: a run builds the
selected tables in dependency order on one warehouse connection, in one step, instead of paying a step's start-up
for each of dozens of small tables.
"""

import hashlib
from graphlib import TopologicalSorter

import dagster as dg

from assets.metadata import markdown_table
from assets.partitions import WRITER_POOL
from assets.resources import WarehouseResource
from assets.sql_models.models import SqlModel, build_model, discover_models, discover_seeds, load_seed
from warehouse.connection import fetch_polars

# Seeds that are loaded by an asset of their own (with checks and a configurable path).
SPECIAL_SEEDS = {"stations", "water_sections"}

# Tables written by another asset than their namesake, or by more than one: a model reading the table depends on
# each writer, so that a run which selects a writer builds the model after it (river readings and their flags come
# from the daily asset and from landing files; the flags are written with their readings).
_AIR, _WATER, _FILES = (dg.AssetKey(["staging", n]) for n in ("air_hourly", "water_readings", "water_files"))
TABLE_WRITERS = {
    _WATER: [_WATER, _FILES],
    dg.AssetKey(["staging", "air_value_flags"]): [_AIR],
    dg.AssetKey(["staging", "water_value_flags"]): [_WATER, _FILES],
}

SEEDS = [name for name in discover_seeds() if name not in SPECIAL_SEEDS]
MODELS = {dg.AssetKey([m.schema, m.name]): m for m in discover_models()}


def _materialized(con, key: dg.AssetKey, table: str, rows: int | None, **extra) -> dg.MaterializeResult:
    preview = fetch_polars(con, f"SELECT * FROM {table} LIMIT 10")
    counted = {} if rows is None else {"dagster/row_count": rows}  # views are not counted (it would run them)
    return dg.MaterializeResult(
        asset_key=key, metadata={**counted, "preview": dg.MetadataValue.md(markdown_table(preview)), **extra}
    )


@dg.multi_asset(
    name="reference_seeds",
    specs=[
        dg.AssetSpec(
            ["seeds", name],
            group_name="seeds",
            kinds={"duckdb", "csv"},
            description=f"Reference table seeds.{name}, loaded from dbt_like_sql/seeds/{name}.csv.",
            skippable=True,
        )
        for name in SEEDS
    ],
    can_subset=True,
    pool=WRITER_POOL,
)
def reference_seeds(context: dg.AssetExecutionContext, warehouse: WarehouseResource):
    with warehouse.connect() as con:
        for key in sorted(context.selected_asset_keys):
            name = key.path[-1]
            yield _materialized(con, key, f"seeds.{name}", load_seed(con, name))


def _model_spec(key: dg.AssetKey, model: SqlModel) -> dg.AssetSpec:
    upstream = [dg.AssetKey(list(up)) for up in model.upstream]
    return dg.AssetSpec(
        key,
        group_name=model.schema,
        deps=list(dict.fromkeys(writer for up in upstream for writer in TABLE_WRITERS.get(up, [up]))),
        kinds={"duckdb", "sql"},
        description=model.description or f"SQL model {model.table}",
        code_version=hashlib.sha256(model.sql.encode()).hexdigest()[:12],
        skippable=True,
    )


@dg.multi_asset(
    name="sql_models",
    specs=[_model_spec(key, model) for key, model in MODELS.items()],
    can_subset=True,
    pool=WRITER_POOL,
)
def sql_models(context: dg.AssetExecutionContext, warehouse: WarehouseResource):
    selected = set(context.selected_asset_keys)
    upstream = {key: {dg.AssetKey(list(up)) for up in MODELS[key].upstream} & selected for key in selected}
    with warehouse.connect() as con:
        for key in TopologicalSorter(upstream).static_order():
            model = MODELS[key]
            yield _materialized(con, key, model.table, build_model(con, model), sql=dg.MetadataValue.path(str(model.path)))


seed_assets = [reference_seeds]
model_assets = [sql_models]

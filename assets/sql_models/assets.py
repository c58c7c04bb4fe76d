"""One Dagster asset per seed CSV and per SQL model; dependencies come from the SQL itself."""


import hashlib

import dagster as dg

from assets.metadata import markdown_table
from assets.partitions import WRITER_POOL
from assets.resources import WarehouseResource
from warehouse.connection import fetch_polars
from assets.sql_models.models import SqlModel, build_model, discover_models, discover_seeds, load_seed

# Seeds that are loaded by an asset of their own (with checks and a configurable path).
SPECIAL_SEEDS = {"stations", "water_sections"}


def _seed_asset(name: str) -> dg.AssetsDefinition:
    @dg.asset(
        key=["seeds", name],
        group_name="seeds",
        pool=WRITER_POOL,
        kinds={"duckdb", "csv"},
        description=f"Reference table seeds.{name}, loaded from dbt_like_sql/seeds/{name}.csv.",
    )
    def _seed(warehouse: WarehouseResource) -> dg.MaterializeResult:
        with warehouse.connect() as con:
            rows = load_seed(con, name)
            preview = fetch_polars(con, f"SELECT * FROM seeds.{name} LIMIT 10")
        return dg.MaterializeResult(
            metadata={"dagster/row_count": rows, "preview": dg.MetadataValue.md(markdown_table(preview))}
        )

    return _seed


def _model_asset(model: SqlModel) -> dg.AssetsDefinition:
    @dg.asset(
        key=[model.schema, model.name],
        group_name=model.schema,
        deps=[dg.AssetKey(list(up)) for up in model.upstream],
        pool=WRITER_POOL,
        kinds={"duckdb", "sql"},
        description=model.description or f"SQL model {model.table}",
        code_version=hashlib.sha256(model.sql.encode()).hexdigest()[:12],
    )
    def _model(warehouse: WarehouseResource) -> dg.MaterializeResult:
        with warehouse.connect() as con:
            rows = build_model(con, model)
            preview = fetch_polars(con, f"SELECT * FROM {model.table} LIMIT 10")
        return dg.MaterializeResult(
            metadata={
                "dagster/row_count": rows,
                "sql": dg.MetadataValue.path(str(model.path)),
                "preview": dg.MetadataValue.md(markdown_table(preview)),
            }
        )

    return _model


seed_assets = [_seed_asset(name) for name in discover_seeds() if name not in SPECIAL_SEEDS]
model_assets = [_model_asset(model) for model in discover_models()]

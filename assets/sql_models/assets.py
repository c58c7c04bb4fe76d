"""The dbt_like_sql project in Dagster: one asset per seed CSV and per SQL model, dependencies read from the SQL.

Like dagster-dbt, the assets are specs of multi-assets that can be subset: a run builds the selected tables in
dependency order on one warehouse connection, in one step, instead of paying a step's start-up for each of dozens
of small tables. Partitioned models (``-- partitioned:`` in their header) are daily-partitioned assets built a
window of days at a time; models of seeds only are rebuilt whole.
"""

import hashlib
from contextlib import nullcontext
from graphlib import TopologicalSorter

import dagster as dg

from assets.automation import REFERENCE_TAGS, changed_upstream
from assets.metadata import add_day_metadata, markdown_table
from assets.partitions import DAILY_BACKFILL, WRITER_POOL, daily_partitions, lookback, run_window
from assets.resources import WarehouseResource
from assets.sql_models.model_checks import check_results, check_specs, column_schema
from assets.sql_models.models import SqlModel, build_model, create_macros, discover_models, discover_seeds, load_seed
from assets.sql_models.tables import deps_of
from warehouse.connection import fetch_polars
from warehouse.windows import day_window

# Seeds that are loaded by an asset of their own (with checks and a configurable path).
SPECIAL_SEEDS = {"stations", "water_sections", "air_exceptional_events"}

SEEDS = [name for name in discover_seeds() if name not in SPECIAL_SEEDS]
MODELS = {dg.AssetKey([m.schema, m.name]): m for m in discover_models()}
REFERENCE_MODELS = {key: m for key, m in MODELS.items() if m.partitioning is None}
PARTITIONED_MODELS = {key: m for key, m in MODELS.items() if m.partitioning is not None}


def _unpartitioned(key: dg.AssetKey) -> bool:
    return key.path[0] == "seeds" or key in REFERENCE_MODELS


def _check_reference_model(key: dg.AssetKey, model: SqlModel) -> None:
    """A model rebuilt whole may read seeds only: over anything else its cost would grow with the history."""
    for up in model.upstream:
        if not _unpartitioned(dg.AssetKey(list(up))):
            raise ValueError(
                f"{model.path}: reads {'.'.join(up)}, which is partitioned by day; declare the model partitioned "
                "('-- partitioned: day', see docs/models.md)"
            )


def _materialized(
    context: dg.AssetExecutionContext, con, key: dg.AssetKey, model: SqlModel, rows: int | None, checks: list, **extra
) -> dg.MaterializeResult:
    where = f"WHERE {model.partitioning.rows_in_window()}" if model.partitioning else ""
    preview = fetch_polars(con, f"SELECT * FROM {model.table} {where} LIMIT 10")
    counted = {} if rows is None else {"dagster/row_count": rows}  # views are not counted (it would run them)
    shown = {"preview": dg.MetadataValue.md(markdown_table(preview)), **column_schema(con, model)}
    if model.partitioning:  # on the window's last day only (assets.metadata.add_day_metadata)
        add_day_metadata(context, key, {}, shown)
        shown = {}
    return dg.MaterializeResult(
        asset_key=key,
        metadata={**counted, **shown, "sql": dg.MetadataValue.path(str(model.path)), **extra},
        check_results=checks,
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
            tags=REFERENCE_TAGS,
        )
        for name in SEEDS
    ],
    can_subset=True,
    pool=WRITER_POOL,
)
def reference_seeds(context: dg.AssetExecutionContext, warehouse: WarehouseResource):
    with warehouse.connect() as con:
        for key in sorted(context.selected_asset_keys):
            rows = load_seed(con, key.path[-1])
            preview = fetch_polars(con, f"SELECT * FROM seeds.{key.path[-1]} LIMIT 10")
            yield dg.MaterializeResult(
                asset_key=key,
                metadata={"dagster/row_count": rows, "preview": dg.MetadataValue.md(markdown_table(preview))},
            )


def _model_spec(key: dg.AssetKey, model: SqlModel) -> dg.AssetSpec:
    writers = deps_of([f"{schema}.{name}" for schema, name in model.upstream], str(model.path))
    days_back = model.partitioning.lookback_days if model.partitioning else 0
    deps = [
        dg.AssetDep(w, partition_mapping=lookback(days_back)) if days_back and not _unpartitioned(w) else dg.AssetDep(w)
        for w in writers
    ]
    return dg.AssetSpec(
        key,
        group_name=model.schema,
        deps=deps,
        kinds={"duckdb", "sql"},
        description=model.description or f"SQL model {model.table}",
        code_version=hashlib.sha256(model.sql.encode()).hexdigest()[:12],
        skippable=True,
        automation_condition=changed_upstream if model.partitioning else None,
        tags={} if model.partitioning else REFERENCE_TAGS,
    )


def _build_in_order(context: dg.AssetExecutionContext, con, models: dict, window=None):
    """Build the selected models upstream first, each followed by its checks; a model whose blocking check failed
    stops the models that read it (the step then fails, and Dagster holds the assets downstream)."""
    selected = set(context.selected_asset_keys)
    upstream = {key: {dg.AssetKey(list(up)) for up in models[key].upstream} & selected for key in selected}
    create_macros(con)
    blocked: set[dg.AssetKey] = set()
    for key in TopologicalSorter(upstream).static_order():
        if upstream[key] & blocked:
            blocked.add(key)
            context.log.error(f"{key.to_user_string()} not built: a model it reads failed a blocking check")
            continue
        model = models[key]
        rows = build_model(con, model, window, macros=False)
        label = f"{window[0]} .. {window[1]} (end exclusive)" if window else ""
        with day_window(con, *window) if window else nullcontext():
            checks = check_results(con, key, model, context.selected_asset_check_keys, label)
            yield _materialized(context, con, key, model, rows, checks, **({"window": label} if window else {}))
        if any(not c.passed and c.severity == dg.AssetCheckSeverity.ERROR for c in checks):
            blocked.add(key)


for _key, _model in REFERENCE_MODELS.items():
    _check_reference_model(_key, _model)


@dg.multi_asset(
    name="reference_models",
    specs=[_model_spec(key, model) for key, model in REFERENCE_MODELS.items()],
    check_specs=[spec for key, model in REFERENCE_MODELS.items() for spec in check_specs(key, model)],
    can_subset=True,
    pool=WRITER_POOL,
)
def reference_models(context: dg.AssetExecutionContext, warehouse: WarehouseResource):
    """Models of seeds only (a calendar of the rules in force), rebuilt whole."""
    with warehouse.connect() as con:
        yield from _build_in_order(context, con, REFERENCE_MODELS)


@dg.multi_asset(
    name="sql_models",
    specs=[_model_spec(key, model) for key, model in PARTITIONED_MODELS.items()],
    check_specs=[spec for key, model in PARTITIONED_MODELS.items() for spec in check_specs(key, model)],
    partitions_def=daily_partitions,
    backfill_policy=DAILY_BACKFILL,
    can_subset=True,
    pool=WRITER_POOL,
)
def sql_models(context: dg.AssetExecutionContext, warehouse: WarehouseResource):
    """The partitioned models for the run's days: each replaces exactly the rows of the window."""
    with warehouse.connect() as con:
        yield from _build_in_order(context, con, PARTITIONED_MODELS, run_window(context))


seed_assets = [reference_seeds]
model_assets = [reference_models, sql_models]

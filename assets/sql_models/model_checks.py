"""The contracts of the SQL models in Dagster: asset checks evaluated right after each build, on the rows the build
wrote (the run's days for a partitioned model), and the columns as ``dagster/column_schema``.

The key's uniqueness and not-null checks are blocking: when one fails, the models that read the model are not
built in the step, the step fails, and the assets downstream (alerts, snapshot) wait; the others warn.
A partitioned model's checks judge the rows of the run's days, and each result names them (``window``): Dagster's
own partitioned checks are a preview feature, so the check specs themselves are not partitioned.
"""

import dagster as dg
import polars as pl

from assets.metadata import markdown_table
from assets.sql_models.contracts import ContractTest, contract_tests, run_tests
from assets.sql_models.models import SqlModel
from warehouse.connection import fetch_polars


def tests_of(model: SqlModel) -> list[ContractTest]:
    return contract_tests(model.contract) if model.contract else []


def check_specs(key: dg.AssetKey, model: SqlModel) -> list[dg.AssetCheckSpec]:
    return [
        dg.AssetCheckSpec(
            test.name,
            asset=key,
            blocking=test.blocking,
            description=test.description,
            additional_deps=[dg.AssetKey(t.split(".")) for t in test.reads],
        )
        for test in tests_of(model)
    ]


def check_results(con, key: dg.AssetKey, model: SqlModel, selected: set, window: str = "") -> list[dg.AssetCheckResult]:
    """The model's selected checks, evaluated on the rows just written (within the run's ``window``)."""
    tests = [t for t in tests_of(model) if dg.AssetCheckKey(key, t.name) in selected]
    present = set(fetch_polars(con, "SELECT schema_name || '.' || table_name AS t FROM duckdb_tables()")["t"])
    absent = [t for t in tests if set(t.reads) - present]  # a seed not loaded (a run of a few assets)
    tests = [t for t in tests if t not in absent]
    where = model.partitioning.rows_in_window() if model.partitioning else "true"
    found = run_tests(con, tests, model.table, where)
    return [
        dg.AssetCheckResult(
            asset_key=key,
            check_name=test.name,
            passed=False,
            severity=dg.AssetCheckSeverity.WARN,
            description=f"not evaluated: {', '.join(sorted(set(test.reads) - present))} not loaded",
        )
        for test in absent
    ] + [
        dg.AssetCheckResult(
            asset_key=key,
            check_name=test.name,
            passed=count == 0,
            severity=dg.AssetCheckSeverity.ERROR if test.blocking else dg.AssetCheckSeverity.WARN,
            description=f"{count} failing: {test.description}" if count else test.description,
            metadata={
                "failing": count,
                "examples": dg.MetadataValue.md(markdown_table(pl.DataFrame(examples)) if examples else "none"),
                **({"window": window} if window else {}),
            },
        )
        for test in tests
        for count, examples in [found[test.name]]
    ]


def column_schema(con, model: SqlModel) -> dict:
    """``dagster/column_schema`` of the built table or view: its types, and the contract's descriptions."""
    described = model.contract.columns if model.contract else {}
    columns = fetch_polars(
        con,
        "SELECT column_name, data_type FROM duckdb_columns() WHERE schema_name = ? AND "
        "table_name = ? ORDER BY column_index",
        [model.schema, model.name],
    ).rows()
    return {
        "dagster/column_schema": dg.TableSchema(
            columns=[dg.TableColumn(name, kind, description=described.get(name)) for name, kind in columns]
        )
    }

"""The contracts of the SQL models in Dagster: asset checks evaluated right after each build, on the rows the build
wrote (the run's days for a partitioned model), and the columns as ``dagster/column_schema``.

Two checks per model: ``key`` (the key unique and never NULL) is blocking: when it fails, the models that read the
model are not built in the step, the step fails, and the assets downstream (alerts, snapshot) wait; ``columns``
(not null, accepted values, relationships) warns. Each result counts the failing rows of each of its tests.
A partitioned model's checks judge the rows of the run's days, and each result names them (``window``): Dagster's
own partitioned checks are a preview feature, so the check specs themselves are not partitioned.
"""

import dagster as dg
import polars as pl

from assets.metadata import markdown_table
from assets.sql_models.contracts import ContractTest, contract_tests, run_tests
from assets.sql_models.models import SqlModel
from warehouse.connection import fetch_polars

# The contract's tests as two Dagster checks per model: each check costs the run three events (planned, output,
# evaluation) and a one-day run has ~45 models, so one check per test (161) was most of a day's event writes.
CHECKS = {
    "key": "the key: one row per key, no NULL in it (blocking)",  # unique_key, not_null_key
    "columns": "the columns: not null, accepted values, known to their seeds (warns)",  # the other tests
}


def tests_of(model: SqlModel) -> dict[str, list[ContractTest]]:
    """The model's contract tests by the check that runs them (``CHECKS``); checks without tests left out."""
    tests = contract_tests(model.contract) if model.contract else []
    grouped = {"key": [t for t in tests if t.blocking], "columns": [t for t in tests if not t.blocking]}
    return {name: group for name, group in grouped.items() if group}


def check_specs(key: dg.AssetKey, model: SqlModel) -> list[dg.AssetCheckSpec]:
    return [
        dg.AssetCheckSpec(
            name,
            asset=key,
            blocking=name == "key",
            description=f"{CHECKS[name]}: " + "; ".join(t.description for t in tests),
            additional_deps=sorted({dg.AssetKey(t.split(".")) for test in tests for t in test.reads}, key=str),
        )
        for name, tests in tests_of(model).items()
    ]


def check_results(con, key: dg.AssetKey, model: SqlModel, selected: set, window: str = "") -> list[dg.AssetCheckResult]:
    """The model's selected checks, evaluated on the rows just written (within the run's ``window``): each result
    counts the failing rows of each of its tests, with a few examples of each."""
    checks = {name: tests for name, tests in tests_of(model).items() if dg.AssetCheckKey(key, name) in selected}
    if not checks:
        return []
    present = set(fetch_polars(con, "SELECT schema_name || '.' || table_name AS t FROM duckdb_tables()")["t"])
    where = model.partitioning.rows_in_window() if model.partitioning else "true"
    runnable = [t for tests in checks.values() for t in tests if not set(t.reads) - present]
    found = run_tests(con, runnable, model.table, where)  # a view's rows read once for all the tests
    return [_result(key, name, tests, found, present, window) for name, tests in checks.items()]


def _result(key, name: str, tests: list[ContractTest], found: dict, present: set, window: str) -> dg.AssetCheckResult:
    # a test that compares with a seed not loaded (a run of a few assets) is not evaluated, and says so
    absent = sorted({t for test in tests for t in test.reads} - present)
    failing = {t.name: found[t.name] for t in tests if t.name in found and found[t.name][0]}
    said = [f"{found[t.name][0]} failing: {t.description}" for t in tests if t.name in failing]
    if absent:
        said.append(f"not evaluated: {', '.join(absent)} not loaded")
    examples = "\n\n".join(f"**{n}**\n\n{markdown_table(pl.DataFrame(rows))}" for n, (_, rows) in failing.items())
    return dg.AssetCheckResult(
        asset_key=key,
        check_name=name,
        passed=not failing and not absent,
        severity=dg.AssetCheckSeverity.ERROR if name == "key" else dg.AssetCheckSeverity.WARN,
        description="; ".join(said) if said else "; ".join(t.description for t in tests),
        metadata={
            "failing": sum(count for count, _ in failing.values()),
            **{t.name: found[t.name][0] for t in tests if t.name in found},
            "examples": dg.MetadataValue.md(examples or "none"),
            **({"window": window} if window else {}),
        },
    )


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

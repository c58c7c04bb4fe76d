"""The contracts of the SQL models in Dagster: asset checks evaluated right after each build, on the rows the build
wrote (the run's days for a partitioned model), and the columns as ``dagster/column_schema``.

One check per model, ``contract``, counting the failing rows of each of its tests. A failing key test (the key
unique and never NULL) fails it as an error: the models that read the model are not built in the step, the step
fails, and the assets downstream (alerts, snapshot) wait; the other tests (not null, accepted values,
relationships) fail it as a warning.
A partitioned model's checks judge the rows of the run's days, and each result names them (``window``): Dagster's
own partitioned checks are a preview feature, so the check specs themselves are not partitioned.
"""

import dagster as dg
import polars as pl

from assets.metadata import markdown_table
from assets.sql_models.contracts import ContractTest, contract_tests, run_tests
from assets.sql_models.models import SqlModel
from warehouse.connection import fetch_polars

# The contract's tests as one Dagster check per model: each check costs the run three events (planned, output,
# evaluation) and a one-day run builds ~45 models; with one check per test (161), checks were most of a day's event
# writes. The check is blocking; a failing key test (unique_key, not_null_key) fails it as an error, which holds
# what reads the model, and the other tests warn.
CHECK = "contract"


def tests_of(model: SqlModel) -> list[ContractTest]:
    return contract_tests(model.contract) if model.contract else []


def check_specs(key: dg.AssetKey, model: SqlModel) -> list[dg.AssetCheckSpec]:
    tests = tests_of(model)
    if not tests:
        return []
    return [
        dg.AssetCheckSpec(
            CHECK,
            asset=key,
            blocking=True,  # held downstream only when it fails as an error (a key test)
            description="; ".join(t.description for t in tests),
            additional_deps=sorted({dg.AssetKey(t.split(".")) for test in tests for t in test.reads}, key=str),
        )
    ]


def check_results(con, key: dg.AssetKey, model: SqlModel, selected: set, window: str = "") -> list[dg.AssetCheckResult]:
    """The model's contract check, if selected, evaluated on the rows just written (within the run's ``window``):
    the count of failing rows of each test, with a few examples of each failing one."""
    tests = tests_of(model)
    if not tests or dg.AssetCheckKey(key, CHECK) not in selected:
        return []
    present = set(fetch_polars(con, "SELECT schema_name || '.' || table_name AS t FROM duckdb_tables()")["t"])
    absent = sorted({t for test in tests for t in test.reads} - present)  # a seed not loaded (a run of a few assets)
    runnable = [t for t in tests if not set(t.reads) - present]
    where = model.partitioning.rows_in_window() if model.partitioning else "true"
    found = run_tests(con, runnable, model.table, where)  # a view's rows read once for all the tests
    failing = [t for t in runnable if found[t.name][0]]
    said = [f"{found[t.name][0]} failing: {t.description}" for t in failing]
    if absent:
        said.append(f"not evaluated: {', '.join(absent)} not loaded")
    examples = "\n\n".join(f"**{t.name}**\n\n{markdown_table(pl.DataFrame(found[t.name][1]))}" for t in failing)
    return [
        dg.AssetCheckResult(
            asset_key=key,
            check_name=CHECK,
            passed=not said,
            severity=dg.AssetCheckSeverity.ERROR if any(t.blocking for t in failing) else dg.AssetCheckSeverity.WARN,
            description="; ".join(said) if said else "; ".join(t.description for t in tests),
            metadata={
                "failing": sum(found[t.name][0] for t in failing),
                **{t.name: found[t.name][0] for t in runnable},
                "examples": dg.MetadataValue.md(examples or "none"),
                **({"window": window} if window else {}),
            },
        )
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

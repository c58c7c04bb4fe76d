"""``envmon run --full-refresh``: every model rebuilt from staging, for every day built so far; staging and raw
data stay.

The model tables are dropped, then the models (and the snapshot) are built again for the days the models had been
built for (a month per run): the same runs as an incremental history, from nothing. The alerts of those days are
then re-evaluated on the rebuilt marts (propagation): nothing is announced unless an outcome changed.
"""

from __future__ import annotations

import datetime as dt
import sys

import dagster as dg

from pipelines.instance import get_instance
from warehouse.connection import fetch_polars, write_connection
from warehouse.paths import DataPaths

MODEL_SCHEMAS = ("intermediate", "marts")


def built_days(instance: dg.DagsterInstance, keys: list[dg.AssetKey]) -> list[list[dt.date]]:
    """The days any partitioned model was built for, as runs of consecutive days."""
    days = sorted({dt.date.fromisoformat(p) for key in keys for p in instance.get_materialized_partitions(key)})
    runs: list[list[dt.date]] = []
    for day in days:
        if runs and day - runs[-1][-1] == dt.timedelta(days=1):
            runs[-1].append(day)
        else:
            runs.append([day])
    return runs


def drop_models(con) -> int:
    objects = fetch_polars(
        con,
        """
        SELECT schema_name, table_name AS name, 'TABLE' AS kind FROM duckdb_tables() WHERE list_contains(?, schema_name)
        UNION ALL SELECT schema_name, view_name, 'VIEW' FROM duckdb_views() WHERE list_contains(?, schema_name)
        """,
        [list(MODEL_SCHEMAS)] * 2,
    )
    for schema, name, kind in objects.sort("kind", descending=True).iter_rows():  # views first
        con.execute(f"DROP {kind} IF EXISTS {schema}.{name} CASCADE")
    return objects.height


def full_refresh(args) -> int:
    from assets.sql_models.assets import PARTITIONED_MODELS, model_assets
    from pipelines.commands.day_chunks import chunks
    from pipelines.definitions import defs, snapshot
    from pipelines.runs import Runs, range_tags

    paths, instance = DataPaths.from_env(), get_instance()
    windows = built_days(instance, list(PARTITIONED_MODELS))
    if not paths.warehouse.exists() or not windows:
        print(f"envmon run --full-refresh: no model built yet in {paths.root}: nothing to rebuild", file=sys.stderr)
        return 2
    with write_connection(paths.warehouse) as con:
        dropped = drop_models(con)
    selection = [key for a in model_assets for key in a.keys] + [snapshot.key]
    job = defs.resolve_job_def("daily_job")
    with Runs(instance, "full refresh", defs=defs) as runs:
        for window in windows:
            for part in chunks(window, runs.days_per_run):
                runs.run(job, f"{part[0]} .. {part[-1]}", selection, range_tags(part))
        runs.propagate()  # the alerts of those days, re-evaluated on the rebuilt marts
    days = sum(len(w) for w in windows)
    print(
        f"\nenvmon run --full-refresh: {dropped} model table(s) and view(s) rebuilt from staging for {days} day(s), "
        f"{windows[0][0]} .. {windows[-1][-1]}" + (f"; {len(runs.failed)} run(s) FAILED" if runs.failed else "")
    )
    for label, run_id, error in runs.failed:
        print(f"  FAILED {label}: {error}\n    run {run_id}: see it in the Dagster UI (make ui)")
    return 1 if runs.failed else 0

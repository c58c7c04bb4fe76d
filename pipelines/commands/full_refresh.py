"""``envmon run --full-refresh``: every model rebuilt from staging, for every day staged; staging and raw data stay.

The model tables are dropped, then the models (and the snapshot) are built again over the staged days, a month per
run: the same runs as an incremental history, from nothing. The alerts of those days are then re-evaluated on the
rebuilt marts (propagation): nothing is announced unless an outcome changed.
"""

from __future__ import annotations

import datetime as dt
import sys

from pipelines.instance import get_instance
from warehouse.connection import fetch_polars, write_connection
from warehouse.paths import DataPaths

MODEL_SCHEMAS = ("intermediate", "marts")


def staged_days(con) -> list[dt.date]:
    frame = fetch_polars(con, """
        SELECT min(day) AS first, max(day) AS last FROM (
            SELECT CAST(ts - INTERVAL 1 HOUR AS DATE) AS day FROM staging.air_hourly
            UNION ALL SELECT CAST(ts - INTERVAL 1 HOUR AS DATE) FROM staging.water_readings)""")
    first, last = frame.row(0)
    return [] if first is None else [first + dt.timedelta(days=i) for i in range((last - first).days + 1)]


def drop_models(con) -> int:
    objects = fetch_polars(con, """
        SELECT schema_name, table_name AS name, 'TABLE' AS kind FROM duckdb_tables() WHERE list_contains(?, schema_name)
        UNION ALL SELECT schema_name, view_name, 'VIEW' FROM duckdb_views() WHERE list_contains(?, schema_name)
        """, [list(MODEL_SCHEMAS)] * 2)
    for schema, name, kind in objects.sort("kind", descending=True).iter_rows():  # views first
        con.execute(f"DROP {kind} IF EXISTS {schema}.{name} CASCADE")
    return objects.height


def full_refresh(args) -> int:
    from assets.sql_models.assets import model_assets
    from pipelines.commands.run import chunks
    from pipelines.runs import Runs, range_tags
    from pipelines.definitions import defs, snapshot

    paths = DataPaths.from_env()
    if not paths.warehouse.exists():
        print(f"envmon run --full-refresh: no warehouse at {paths.warehouse}: nothing to rebuild", file=sys.stderr)
        return 2
    with write_connection(paths.warehouse) as con:
        days = staged_days(con)
        dropped = drop_models(con)
    if not days:
        print("envmon run --full-refresh: nothing staged yet", file=sys.stderr)
        return 2
    selection = [key for a in model_assets for key in a.keys] + [snapshot.key]
    job = defs.resolve_job_def("daily_job")
    with Runs(get_instance(), "full refresh") as runs:
        for part in chunks(days):
            runs.run(job, f"{part[0]} .. {part[-1]}", selection, range_tags(part))
        runs.propagate(job)  # the alerts of those days, re-evaluated on the rebuilt marts
    failed = runs.failed
    print(f"\nenvmon run --full-refresh: {dropped} model table(s) and view(s) rebuilt from staging for "
          f"{days[0]} .. {days[-1]} ({len(days)} day(s))" + (f"; {len(failed)} run(s) FAILED" if failed else ""))
    for label, run_id, error in failed:
        print(f"  FAILED {label}: {error}\n    run {run_id}: see it in the Dagster UI (make ui)")
    return 1 if failed else 0

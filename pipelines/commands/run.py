"""``envmon run``: the daily job for each day of a window, in-process, recorded in the project's Dagster instance."""

import datetime as dt
import os
import sys

from tqdm import tqdm

from assets.clock import now_cst
from pipelines.instance import get_instance
from warehouse.paths import DataPaths
from warehouse.query import run_query

DEFAULT_DAYS = 14


def add_parser(sub) -> None:
    p = sub.add_parser("run", help="run the daily job for each day of a window (default: the 14 days ending yesterday)")
    p.add_argument("--start", type=dt.date.fromisoformat, help="first day (YYYY-MM-DD)")
    p.add_argument("--end", type=dt.date.fromisoformat, help="last day (YYYY-MM-DD), default yesterday (CST)")
    p.add_argument("--source", help="air source: generator (default), archive, ...")
    p.add_argument("--input", help="input folder or file for file-based sources")
    p.add_argument("--stations", help="station catalog CSV (default: the region's 30 national stations)")
    p.add_argument("--seed", type=int, help="generator seed")
    p.add_argument("--debug", action="store_true", help="show tracebacks")


def window(start: dt.date | None, end: dt.date | None) -> list[dt.date]:
    end = end or now_cst().date() - dt.timedelta(days=1)
    start = start or end - dt.timedelta(days=DEFAULT_DAYS - 1)
    if start > end:
        raise ValueError(f"--start {start} is after --end {end}")
    return [start + dt.timedelta(days=i) for i in range((end - start).days + 1)]


def apply_overrides(args) -> None:
    """Command-line options win over the ENVMON_* variables that the code location's resources read."""
    overrides = {
        "ENVMON_AIR_SOURCE": args.source,
        "ENVMON_AIR_INPUT": os.path.abspath(args.input) if args.input else None,
        "ENVMON_STATIONS": os.path.abspath(args.stations) if args.stations else None,
        "ENVMON_GENERATOR_SEED": None if args.seed is None else str(args.seed),
    }
    os.environ.update({k: v for k, v in overrides.items() if v is not None})


def main(args) -> int:
    days = window(args.start, args.end)
    apply_overrides(args)
    from pipelines.definitions import defs  # after the overrides; and loading takes seconds: only when needed

    instance = get_instance()
    job = defs.resolve_job_def("daily_job")
    run_config = {"loggers": {"console": {"config": {"log_level": "ERROR"}}}}
    failed = []
    with tqdm(days, desc="daily job", unit="day", file=sys.stderr) as bar:
        for day in bar:
            bar.set_postfix_str(day.isoformat())
            result = job.execute_in_process(
                partition_key=day.isoformat(), instance=instance, run_config=run_config, raise_on_error=False
            )
            if not result.success:
                failed.append((day, result.run_id))
    print_summary(days, failed)
    from pipelines.commands.alert_summary import after_run  # imports dagster: only when needed

    print("\n".join(after_run(instance, days, failed)))  # alert e-mails of the window
    return 1 if failed else 0


def print_summary(days: list[dt.date], failed: list) -> None:
    paths = DataPaths.from_env()
    print(f"\nenvmon run: {len(days) - len(failed)} of {len(days)} day(s) succeeded ({days[0]} .. {days[-1]})")
    for day, run_id in failed:
        print(f"  FAILED {day}: see run {run_id} in the Dagster UI (make ui)")
    if paths.snapshot.exists():
        counts = run_query(
            paths.snapshot,
            "SELECT schema_name || '.' || table_name AS table_name, estimated_size AS rows "
            "FROM duckdb_tables() WHERE schema_name IN ('staging', 'quarantine', 'marts', 'alerts') ORDER BY 1",
        )
        for name, rows in counts.iter_rows():
            print(f"  {name:<40} {rows:>10,} rows")
    print(f"\n  warehouse (pipeline only):  {paths.warehouse}")
    print(f"  published snapshot (query): {paths.snapshot}")
    print(f"  raw batches:                {paths.raw}")
    print(f"  outbox / reports:           {paths.outbox}  {paths.reports}")
    print('\n  query it:   .venv/bin/envmon query "SELECT * FROM marts.air_area_daily ORDER BY day DESC LIMIT 20"')
    print("  open the UI: make ui   then http://127.0.0.1:3000 (runs above are listed under Runs)")

"""``envmon run``: the daily job over a window of days as one run (a month at most per run), in-process, recorded
in the project's Dagster instance; then whatever the window's changes left to re-derive (``propagation``)."""

import argparse
import datetime as dt
import os
import sys

from assets.clock import now_cst
from assets.demo import demo_settings_line
from assets.settings import EnvmonSettings
from pipelines.commands.day_chunks import chunks
from pipelines.commands.run_options import check_options, sources_help
from warehouse.paths import DataPaths
from warehouse.query import run_query

DEFAULT_DAYS = 14


def add_parser(sub) -> None:
    p = sub.add_parser(
        "run",
        help="run the daily job over a window of days (default: the 14 days ending yesterday)",
        epilog=sources_help(),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("--start", type=dt.date.fromisoformat, help="first day (YYYY-MM-DD)")
    p.add_argument("--end", type=dt.date.fromisoformat, help="last day (YYYY-MM-DD), default yesterday (CST)")
    p.add_argument("--source", help="air source (default generator; the list below)")
    p.add_argument("--input", help="input folder or file for file-based sources")
    p.add_argument("--stations", help="station catalog CSV (default: the region's 30 national stations)")
    p.add_argument("--seed", type=int, help="generator seed")
    p.add_argument(
        "--full-refresh",
        action="store_true",
        help="rebuild every model from staging for every staged day (staging and raw data stay)",
    )
    p.add_argument("--debug", action="store_true", help="show tracebacks")


def validate(args) -> None:
    check_options(args)


def window(start: dt.date | None, end: dt.date | None) -> list[dt.date]:
    end = end or now_cst().date() - dt.timedelta(days=1)
    start = start or end - dt.timedelta(days=DEFAULT_DAYS - 1)
    if start > end:
        raise ValueError(f"--start {start} is after --end {end}")
    return [start + dt.timedelta(days=i) for i in range((end - start).days + 1)]


def settings_config(args) -> dict:
    """The command-line options as the ``settings`` resource's config: for these runs they win over the ENVMON_*
    variables (the resource reads the rest when each run starts)."""
    given = {
        "air_source": args.source,
        "input_path": os.path.abspath(args.input) if args.input else None,
        "stations_csv": os.path.abspath(args.stations) if args.stations else None,
        "generator_seed": args.seed,
    }
    return {"resources": {"settings": {"config": {k: v for k, v in given.items() if v is not None}}}}


def main(args) -> int:
    if args.full_refresh:
        from pipelines.commands.full_refresh import full_refresh

        return full_refresh(args)
    days, started = window(args.start, args.end), now_cst()
    from assets.partitions import days_per_run  # these import dagster: only once the options are known to be good
    from pipelines.definitions import defs  # loading takes seconds
    from pipelines.instance import get_instance
    from pipelines.runs import DEBUG_LOGS, Runs, range_tags

    job = defs.resolve_job_def("daily_job")
    done = []
    run_config = {**settings_config(args), **(DEBUG_LOGS if args.debug else {})}
    with Runs(get_instance(), "daily job", run_config, days_per_run(args.stations), defs) as runs:
        for part in chunks(days, runs.days_per_run):
            if runs.run(job, f"{part[0]} .. {part[-1]}", tags=range_tags(part)).success:
                done += part
            runs.propagate()  # before the next window's late readings change days of this one
    print_summary(days, done, runs.failed)
    if line := demo_settings_line(EnvmonSettings.from_env(air_source=args.source)):
        print(line)  # generated readings: said in the summary, as in their mail and the run tag
    from pipelines.commands.problem_summary import after_runs  # this run's problem lines, and their e-mail

    for line in after_runs([*runs.succeeded, *(run_id for _, run_id, _ in runs.failed)]):
        print(line)
    from pipelines.commands.alert_summary import after_run

    print("\n".join(after_run(days, runs.failed, started)))  # the alert e-mails these runs queued
    print(where_to_open(), flush=True)  # last: where to open what the run built
    return 1 if runs.failed else 0


def print_summary(days: list[dt.date], done: list[dt.date], failed: list) -> None:
    paths = DataPaths.from_env()
    print(f"\nenvmon run: {len(done)} of {len(days)} day(s) succeeded ({days[0]} .. {days[-1]})")
    for label, run_id, error in failed:
        print(f"  FAILED {label}: {error}\n    run {run_id}: see it in the Dagster UI (make ui)")
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
    sys.stdout.flush()


def where_to_open() -> str:
    """The summary's last line: where to open the status page (联防联控看板), as this workstation serves it and, with
    ENVMON_PUBLIC_URL, as staff open it."""
    folder = DataPaths.from_env().status_page
    if not (folder / "index.html").exists():
        return "\n  status page (联防联控看板): not built (see the run's warning); build it: .venv/bin/envmon status"
    host = os.environ.get("ENVMON_STATUS_HOST") or "127.0.0.1"
    port = os.environ.get("ENVMON_STATUS_PORT") or "8080"
    line = f"\n  open the status page (联防联控看板): make status   then http://{host}:{port}/   (files: {folder})"
    if public := os.environ.get("ENVMON_PUBLIC_URL", "").strip():
        line += f"\n  as staff open it (ENVMON_PUBLIC_URL): {public}"
    return line

"""Incremental models (issue 12): whole `envmon run` commands on region and national warehouses.

    python -m bench incremental CASE [--work DIR] [--repeat N]

Each measure is a whole process (`envmon run ...` in a child, its wall time and peak RSS from the OS), after one
warm-up, median of --repeat. Cases:

- ``window``:   the 14-day default `make run` window on a fresh data folder (region, generator), Dagster start-up
                included (target <= 30 s);
- ``postgres``: the same window with the instance in PostgreSQL (a local server as the deployment tests start
                one, a new database per run), SQLite and PostgreSQL alternating in one call;
- ``year``:     a 365-day `envmon run` on a fresh data folder (target <= 3 min);
- ``history``:  one day's run on a warehouse holding 3 years vs. the same day on one holding 2 weeks, A B A B in one
                call (target ratio <= 1.3; the warehouses are prepared once, in --work);
- ``archive``:  the four real national days (1,495 stations) through `envmon run --source archive`, minus the
                command's Python imports (the definitions and Great Expectations, imported alone in a child)
                (target <= 25 s);
- ``national``: one day's daily run (the real archive day 2023-01-21) on a warehouse holding a generated national
                year, 2022-01-21 .. 2023-01-20 (target <= 30 s and <= 2 GB peak). Prepared once: staging from the
                generator's mid-month days (as ``bench annual``), the models built month by month through the
                daily job.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

PROJECT = Path(__file__).resolve().parents[1]
CNEMC = PROJECT.parent / "shared" / "data" / "cnemc_air"
NATIONAL = CNEMC / "stations_national_2018.csv"
ENVMON = [sys.executable, "-m", "pipelines"]


def main(argv: list[str]) -> int:
    p = argparse.ArgumentParser(prog="python -m bench incremental", description=__doc__.split("\n")[0])
    p.add_argument("case", choices=("window", "postgres", "year", "history", "archive", "national"))
    p.add_argument("--work", type=Path, default=Path("/tmp/envmon_bench_incremental"))
    p.add_argument("--repeat", type=int, default=3)
    args = p.parse_args(argv)
    args.work.mkdir(parents=True, exist_ok=True)
    return CASES[args.case](args)


def timed(argv: list[str], data: Path, fresh: bool = False, command: list[str] = ENVMON) -> tuple[float, float]:
    """(wall seconds, peak RSS GB) of one `envmon` command (or ``command``) in a child process on the data folder
    ``data``, as /usr/bin/time reports them."""
    if fresh:
        shutil.rmtree(data, ignore_errors=True)
    env = {**os.environ, "ENVMON_DATA_DIR": str(data), "DAGSTER_HOME": str(data / "dagster")}
    done = subprocess.run(
        ["/usr/bin/time", "-f", "%e %M", *command, *argv], env=env, cwd=PROJECT, capture_output=True, text=True
    )
    if done.returncode:
        raise SystemExit(f"envmon {' '.join(argv)} failed ({done.returncode}):\n{done.stderr[-3000:]}")
    wall, peak_kb = done.stderr.strip().splitlines()[-1].split()
    return float(wall), int(peak_kb) / 1e6


def repeated(
    argv: list[str], data: Path, repeat: int, fresh: bool = False, command: list[str] = ENVMON
) -> list[tuple[float, float]]:
    timed(argv, data, fresh, command)  # warm-up: file caches, compiled bytecode
    return [timed(argv, data, fresh, command) for _ in range(repeat)]


def report(name: str, runs: list[tuple[float, float]], target: str) -> float:
    walls = sorted(w for w, _ in runs)
    median = statistics.median(walls)
    print(
        f"{name}: median {median:.1f} s (min {walls[0]:.1f}, max {walls[-1]:.1f}; {len(runs)} runs), "
        f"peak RSS {max(r for _, r in runs):.2f} GB; target {target}; load {os.getloadavg()[0]:.1f}"
    )
    return median


def case_window(args) -> int:
    report("14-day window, fresh", repeated(["run"], args.work / "window", args.repeat, fresh=True), "<= 30 s")
    return 0


def case_postgres(args) -> int:
    from tests.postgres_server import PostgresServer  # the deployment tests' server (Debian's binaries)

    runs: dict[str, list[tuple[float, float]]] = {"SQLite": [], "PostgreSQL": []}
    with PostgresServer() as pg:
        for i in range(args.repeat + 1):  # the first pair warms up
            os.environ.pop("ENVMON_DAGSTER_POSTGRES_URL", None)
            sqlite = timed(["run"], args.work / "window", fresh=True)
            admin = pg.connect(admin=True)
            admin.autocommit = True  # CREATE DATABASE runs outside a transaction
            admin.cursor().execute(f"CREATE DATABASE run{i} OWNER {pg.user}")
            admin.close()
            os.environ["ENVMON_DAGSTER_POSTGRES_URL"] = pg.url.rsplit("/", 1)[0] + f"/run{i}"
            os.environ["DAGSTER_EVENT_BATCH_SIZE"] = "1000"  # as deploy/envmon.production.env sets it
            postgres = timed(["run"], args.work / "window", fresh=True)
            os.environ.pop("DAGSTER_EVENT_BATCH_SIZE")
            if i:
                runs["SQLite"].append(sqlite)
                runs["PostgreSQL"].append(postgres)
        os.environ.pop("ENVMON_DAGSTER_POSTGRES_URL")
    for name, measured in runs.items():
        report(f"14-day window, fresh, {name} instance", measured, "(no target)")
    return 0


def case_year(args) -> int:
    year = ["run", "--start", "2025-01-01", "--end", "2025-12-31"]
    report("365-day run, fresh", repeated(year, args.work / "year", max(1, args.repeat - 2), fresh=True), "<= 180 s")
    return 0


def case_history(args) -> int:
    day = dt.date(2026, 10, 31)
    short, long = args.work / "two_weeks", args.work / "three_years"
    for data, first in (
        (short, day - dt.timedelta(days=13)),
        (long, day.replace(year=day.year - 3) + dt.timedelta(days=1)),
    ):
        if not (data / "warehouse.duckdb").exists():
            print(f"preparing {data.name}: {first} .. {day}")
            timed(["run", "--start", str(first), "--end", str(day)], data, fresh=True)
    rerun = ["run", "--start", str(day), "--end", str(day)]
    timed(rerun, short), timed(rerun, long)  # warm-up
    pairs = [(timed(rerun, long), timed(rerun, short)) for _ in range(args.repeat)]
    a = report("one day on 3 years", [p[0] for p in pairs], "")
    b = report("one day on 2 weeks", [p[1] for p in pairs], "")
    ratios = sorted(x[0] / y[0] for x, y in pairs)
    print(
        f"ratio 3 years / 2 weeks: median {statistics.median(ratios):.2f} (min {ratios[0]:.2f}, max {ratios[-1]:.2f}); "
        f"medians {a / b:.2f}; target <= 1.3"
    )
    return 0


def case_archive(args) -> int:
    days = ["--start", "2023-01-20", "--end", "2023-01-23"]
    runs = repeated(
        ["run", "--source", "archive", "--input", str(CNEMC), "--stations", str(NATIONAL), *days],
        args.work / "archive",
        args.repeat,
        fresh=True,
    )
    # the Python imports of the command: the definitions (Dagster, Polars, DuckDB) and Great Expectations, which
    # the validation imports on first use
    imports = [sys.executable, "-c", "import pipelines.definitions, great_expectations"]
    startup = repeated([], args.work / "archive_imports", args.repeat, command=imports)
    whole = report("four national archive days, fresh", runs, "")
    fixed = report("Python imports alone (the definitions and Great Expectations)", startup, "")
    print(f"four national archive days excluding start-up: {whole - fixed:.1f} s; target <= 25 s")
    return 0


def case_national(args) -> int:
    data = args.work / "national"
    if not (data / "warehouse.duckdb").exists():
        _prepare_national(data)
    day = [
        "run",
        "--source",
        "archive",
        "--input",
        str(CNEMC),
        "--stations",
        str(NATIONAL),
        "--start",
        "2023-01-21",
        "--end",
        "2023-01-21",
    ]
    report("one national day on a national year", repeated(day, data, args.repeat), "<= 30 s and <= 2 GB")
    return 0


def _prepare_national(data: Path) -> None:
    """Staging for 2022-01-21 .. 2023-01-20 from the generator's mid-month days, then every model built month by
    month through the daily job (as `envmon run --full-refresh` would), recorded in the data folder's instance."""
    os.environ.update(ENVMON_DATA_DIR=str(data), DAGSTER_HOME=str(data / "dagster"), ENVMON_STATIONS=str(NATIONAL))
    import duckdb
    import polars as pl

    from assets.catalog.stations import load_station_catalog
    from assets.ingest.batches import record_batch
    from bench.annual import _month_from_template
    from warehouse.connection import write_connection

    catalog = load_station_catalog(NATIONAL)
    first, last = dt.date(2022, 1, 21), dt.date(2023, 1, 20)
    with write_connection(data / "warehouse.duckdb") as con:
        for year, month in [(2022, m) for m in range(1, 13)] + [(2023, 1)]:
            t = time.perf_counter()
            frame = _month_from_template(catalog, year, month).filter(pl.col("load_partition").is_between(first, last))
            con.register("_hours", frame.to_arrow())
            con.execute("INSERT INTO staging.air_hourly BY NAME SELECT * FROM _hours")
            con.unregister("_hours")
            for day in frame["load_partition"].unique().sort():  # each day's feed was fetched
                record_batch(con, "air_hourly", "generator", day, "bench", data / "raw", 0, 0, 0)
            print(f"  staged {year}-{month:02d}: {frame.height:,} station-hours ({time.perf_counter() - t:.0f} s)")
        con.execute("CHECKPOINT")
    del duckdb
    from assets.air.event_assets import exceptional_events
    from assets.sql_models.assets import model_assets, seed_assets
    from assets.water.assets import water_section_catalog
    from pipelines.commands.day_chunks import chunks
    from pipelines.definitions import defs, station_catalog
    from pipelines.instance import get_instance
    from pipelines.runs import Runs, range_tags

    days = [first + dt.timedelta(days=i) for i in range((last - first).days + 1)]
    catalogs = [station_catalog.key, exceptional_events.key, water_section_catalog.key]
    selection = [*catalogs, *(key for a in [*seed_assets, *model_assets] for key in a.keys)]
    job = defs.resolve_job_def("daily_job")
    with Runs(get_instance(), "national year") as runs:
        for part in chunks(days, runs.days_per_run):
            t = time.perf_counter()
            runs.run(job, f"{part[0]} .. {part[-1]}", selection, range_tags(part))
            print(f"  models {part[0]} .. {part[-1]} ({time.perf_counter() - t:.0f} s)", file=sys.stderr)
    if runs.failed:
        raise SystemExit(f"preparing the national year failed: {runs.failed}")


CASES = {
    "window": case_window,
    "postgres": case_postgres,
    "year": case_year,
    "history": case_history,
    "archive": case_archive,
    "national": case_national,
}

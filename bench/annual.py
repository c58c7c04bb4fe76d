"""Annual HJ 663 statistics for the national catalog over one generated year (~1,500 stations x 8,760 h).

    python -m bench annual [--work DIR] [--year 2025] [--threads N]

Prepare (not timed, cached in --work): the 1,495 stations of ../shared/data/cnemc_air/stations_national_2018.csv,
hourly values for the year from the project's generator, loaded into staging.air_hourly of a fresh warehouse with
every seed. The generator's per-station noise makes a national day cost ~8 s, so the year is built from its 12
mid-month days, each shifted onto every day of its month with a per-station-day factor (0.75-1.25): the SQL
sees 13 M distinct station-hours with realistic values and faults.

Measure, each stage in a fresh child process that reports its own time and peak RSS:
- ``daily``: the SQL models from staging.air_hourly to marts.air_station_daily / air_area_daily (the air engineer's
  hourly/daily AQI models; built once and kept in the --work database, ``--rebuild-daily`` to time them again);
- ``annual`` (the target: <= 60 s, <= 4 GB): from the daily marts to the HJ 663 monthly, annual and year-to-date
  statistics of every station and area and the province/region roll-ups.
"""

from __future__ import annotations

import argparse
import calendar
import datetime as dt
import json
import resource
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import polars as pl

from assets.air.generator import GeneratorConfig, generate_air_day
from assets.catalog.stations import load_station_catalog
from assets.sql_models.models import build_model, create_macros, discover_models, discover_seeds, load_seed
from warehouse.schema import ensure_schema

NATIONAL = Path(__file__).resolve().parents[2] / "shared" / "data" / "cnemc_air" / "stations_national_2018.csv"
DAILY = ("marts.air_station_daily", "marts.air_area_daily")
TARGETS = (
    "marts.air_station_annual",
    "marts.air_area_annual",
    "marts.air_region_stats",
    "marts.air_area_monthly",
    "marts.air_station_monthly",
    "marts.air_area_ytd",
)
TARGET_SECONDS, TARGET_RSS_GB = 60, 4.0


def main(argv: list[str]) -> int:
    p = argparse.ArgumentParser(prog="python -m bench annual", description=__doc__.split("\n")[0])
    p.add_argument("--work", type=Path, default=Path("/tmp/envmon_bench_annual"))
    p.add_argument("--year", type=int, default=2025)
    p.add_argument("--threads", type=int, default=0, help="DuckDB threads (0 = DuckDB's default)")
    p.add_argument("--rebuild-daily", action="store_true", help="time the daily marts again")
    p.add_argument("--measure", choices=("daily", "annual"), help=argparse.SUPPRESS)  # the child process
    args = p.parse_args(argv)
    db = args.work / f"national_{args.year}.duckdb"
    if args.measure:
        print(json.dumps(measure(db, args.measure, args.threads)))
        return 0
    if not db.exists():
        prepare(db, args.year)
    results = {}
    if args.rebuild_daily or not _has_daily(db):
        results["daily"] = _child(args, "daily")
    results["annual"] = _child(args, "annual")
    for stage, r in results.items():
        report(stage, r)
    annual = results["annual"]
    return 0 if annual["seconds"] <= TARGET_SECONDS and annual["peak_rss_gb"] <= TARGET_RSS_GB else 1


def _child(args, stage: str) -> dict:
    cmd = [
        sys.executable,
        "-m",
        "bench",
        "annual",
        "--work",
        str(args.work),
        "--year",
        str(args.year),
        "--threads",
        str(args.threads),
        "--measure",
        stage,
    ]
    out = subprocess.run(cmd, capture_output=True, text=True, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def _has_daily(db: Path) -> bool:
    con = duckdb.connect(str(db), read_only=True)
    try:
        names = {r[0] for r in con.execute("SELECT schema_name || '.' || table_name FROM duckdb_tables()").fetchall()}
    finally:
        con.close()
    return set(DAILY) <= names


def prepare(db: Path, year: int) -> None:
    if not NATIONAL.exists():
        raise SystemExit(f"national station list not found at {NATIONAL} (the shared real data folder)")
    db.parent.mkdir(parents=True, exist_ok=True)
    catalog = load_station_catalog(NATIONAL)
    tmp = db.with_suffix(".tmp")
    tmp.unlink(missing_ok=True)
    con = duckdb.connect(str(tmp))
    try:
        ensure_schema(con)
        for name in discover_seeds():
            if name != "stations":
                load_seed(con, name)
        con.register("_catalog", catalog.to_arrow())
        con.execute("CREATE OR REPLACE TABLE seeds.stations AS SELECT * FROM _catalog")
        for month in range(1, 13):
            t = time.perf_counter()
            frame = _month_from_template(catalog, year, month)
            con.register("_hours", frame.to_arrow())
            con.execute("INSERT INTO staging.air_hourly BY NAME SELECT * FROM _hours")
            con.unregister("_hours")
            print(f"  prepared {year}-{month:02d}: {frame.height:,} station-hours ({time.perf_counter() - t:.0f} s)")
        con.execute("CHECKPOINT")
    finally:
        con.close()
    tmp.rename(db)


def _month_from_template(catalog: pl.DataFrame, year: int, month: int) -> pl.DataFrame:
    template_day = dt.date(year, month, 15)
    rows, _faults = generate_air_day(catalog, template_day, GeneratorConfig())
    start = dt.datetime.combine(template_day, dt.time(1))
    rows = rows.filter((pl.col("ts") >= start) & (pl.col("ts") <= start + dt.timedelta(hours=23)))
    offsets = pl.DataFrame({"offset": [d - 15 for d in range(1, calendar.monthrange(year, month)[1] + 1)]})
    values = ["pm25", "pm10", "so2", "no2", "o3", "co"]
    factor = 0.75 + 0.5 * (pl.struct("station_code", "offset").hash(year) % 10_000) / 10_000
    return (
        rows.join(offsets, how="cross")
        .with_columns(pl.col("ts") + pl.duration(days=pl.col("offset")), factor.alias("_f"))
        # faults (negative sentinels, blanks) keep their value; real readings vary day to day
        .with_columns(
            [
                pl.when(pl.col(v) >= 0).then((pl.col(v) * pl.col("_f")).round(1)).otherwise(pl.col(v)).alias(v)
                for v in values
            ]
        )
        .unique(["station_code", "ts"], keep="first")
        .with_columns(
            source=pl.lit("generator"),
            batch_id=pl.lit("bench"),
            load_partition=(pl.col("ts") - pl.duration(hours=1)).dt.date(),
        )
        .drop("offset", "_f")
    )


def _closure(targets: tuple[str, ...]) -> list:
    """The models the targets need, in build order (upstream first)."""
    models = {m.table: m for m in discover_models()}
    order: list = []

    def visit(table: str) -> None:
        m = models.get(table)
        if m is None or m in order:
            return
        for schema, name in m.upstream:
            visit(f"{schema}.{name}")
        order.append(m)

    for t in targets:
        visit(t)
    return order


def measure(db: Path, stage: str, threads: int) -> dict:
    daily = _closure(DAILY)
    models = daily if stage == "daily" else [m for m in _closure(TARGETS) if m not in daily]
    con = duckdb.connect(str(db))
    if threads:
        con.execute(f"SET threads = {threads}")
    try:
        create_macros(con)
        hours = con.execute("SELECT count(*), count(DISTINCT station_code) FROM staging.air_hourly").fetchall()[0]
        steps = {}
        t0 = time.perf_counter()
        for model in models:
            t = time.perf_counter()
            rows = build_model(con, model)
            steps[model.table] = (round(time.perf_counter() - t, 2), rows)
        seconds = time.perf_counter() - t0
        con.execute("CHECKPOINT")
    finally:
        con.close()
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024 / 1e9  # Linux: kB
    return {
        "seconds": round(seconds, 1),
        "peak_rss_gb": round(peak, 2),
        "station_hours": hours[0],
        "stations": hours[1],
        "steps": steps,
    }


def report(stage: str, r: dict) -> None:
    what = "daily marts from hourly (context)" if stage == "daily" else "HJ 663 statistics (target)"
    print(f"\n{stage}: {what}; {r['stations']:,} stations, {r['station_hours']:,} station-hours")
    for table, (sec, rows) in r["steps"].items():
        print(f"  {table:<40} {sec:>8.2f} s {rows:>12,} rows")
    line = f"  total {r['seconds']:.1f} s, peak RSS {r['peak_rss_gb']:.2f} GB"
    if stage == "annual":
        ok = r["seconds"] <= TARGET_SECONDS and r["peak_rss_gb"] <= TARGET_RSS_GB
        line += f" (targets <= {TARGET_SECONDS} s, <= {TARGET_RSS_GB} GB): {'OK' if ok else 'OVER TARGET'}"
    print(line)

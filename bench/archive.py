"""``python -m bench archive [--data DIR] [--days N]``: the national archive path over the real national files.

Stages (wall time, and the process's peak RSS so far): read the archive files into tidy rows; ingest them (raw
Parquet, row rules and value flags, staging partition replace, without the GX suite); the AQI SQL models; and, as
the floor, a plain DuckDB load of the same cells (read_csv + UNPIVOT into a table). Then the national AQI match
rate: marts.air_hourly_aqi against the published AQI on every station-hour that has one.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import resource
import tempfile
import time
from pathlib import Path

import duckdb

from assets.air.ingest import ingest_air_batch
from assets.air.sources import SourceOptions, get_air_source
from assets.catalog.stations import load_station_catalog
from assets.sql_models.build import build_project, models_in_order
from assets.sql_models.models import build_model
from warehouse.schema import ensure_schema

DEFAULT_DATA = Path(__file__).resolve().parents[2] / "shared" / "data" / "cnemc_air"
FIRST_DAY = dt.date(2023, 1, 20)
AIR_MARTS = [
    "marts.air_hourly_aqi",
    "marts.air_station_daily",
    "marts.air_area_daily",
    "marts.air_hourly_moving",
    "marts.air_area_hourly_rolling",
]


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def cpu_s() -> float:
    """CPU seconds of this process (all threads): unlike wall time, barely affected by other users' load."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench archive")
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA, help="folder of china_sites_*.csv and the catalog")
    parser.add_argument("--days", type=int, default=4)
    args = parser.parse_args(argv)
    days = [FIRST_DAY + dt.timedelta(days=i) for i in range(args.days)]
    catalog = load_station_catalog(args.data / "stations_national_2018.csv")
    stages: list[tuple[str, float, float, float]] = []
    cpu = [cpu_s()]

    def stage(name: str, started: float) -> None:
        stages.append((name, time.perf_counter() - started, cpu_s() - cpu[0], peak_mb()))
        cpu[0] = cpu_s()

    with tempfile.TemporaryDirectory(prefix="envmon-bench-") as tmp:
        con = duckdb.connect(str(Path(tmp) / "warehouse.duckdb"))
        ensure_schema(con)
        whole = time.perf_counter()
        t = time.perf_counter()
        source = get_air_source("archive")
        batches = [source(day, catalog, SourceOptions(input_path=str(args.data))) for day in days]
        stage("read archive files -> tidy rows", t)
        t = time.perf_counter()
        now = dt.datetime(2026, 1, 1)
        for day, batch in zip(days, batches):
            ingest_air_batch(con, Path(tmp) / "raw", "archive", day, batch, catalog["code"], now)
        stage("ingest (raw Parquet, row rules, flags, staging)", t)
        t = time.perf_counter()
        con.register("_catalog", catalog.to_arrow())
        con.execute("CREATE OR REPLACE TABLE seeds.stations AS SELECT * FROM _catalog")
        build_project(con, [], skip_seeds=("stations",))  # seeds only
        stage("seeds", t)
        # The scoring models (IAQI per HJ 633 for hours, station-days, area-days, rolling area hours) apart from
        # their inputs (valid values, moving averages, daily means) and from the other marts.
        scoring = {
            "intermediate.air_concentrations_long",
            "intermediate.air_iaqi",
            "intermediate.air_aqi",
            "marts.air_hourly_aqi",
        }
        every, hourly_path = models_in_order(AIR_MARTS), models_in_order(["marts.air_hourly_aqi"])
        for label, part in (
            ("inputs: valid values, moving averages, daily means", [m for m in hourly_path if m.table not in scoring]),
            ("AQI SQL itself: IAQI/AQI scoring, marts.air_hourly_aqi", [m for m in hourly_path if m.table in scoring]),
            ("the other air marts (daily, area, moving, rolling)", [m for m in every if m not in hourly_path]),
        ):
            t = time.perf_counter()
            for model in part:
                build_model(con, model)
            stage(label, t)
        whole_s = time.perf_counter() - whole
        rows = con.execute("SELECT count(*) FROM staging.air_hourly").fetchall()[0][0]
        match = con.execute("""
            SELECT count(*), count(*) FILTER (WHERE a.aqi IS NOT DISTINCT FROM p.aqi),
                   count(*) FILTER (WHERE a.aqi IS DISTINCT FROM p.aqi AND f.station_code IS NOT NULL)
            FROM staging.air_hourly_published AS p
            LEFT JOIN marts.air_hourly_aqi AS a USING (station_code, ts)
            LEFT JOIN (SELECT DISTINCT station_code, ts FROM staging.air_value_flags) AS f USING (station_code, ts)
            WHERE p.aqi IS NOT NULL""").fetchall()[0]
        con.close()
        floor_s = plain_duckdb_load(args.data, days, Path(tmp) / "floor.duckdb")
        store_s = plain_duckdb_store(batches, Path(tmp) / "store.duckdb")

    ingest_s = stages[0][1] + stages[1][1]
    print(
        f"archive benchmark: {len(days)} day(s), national catalog {catalog.height} stations, "
        f"{rows:,} station-hours staged"
    )
    print(f"load average at the end (2 cores, shared): {os.getloadavg()[0]:.1f}")
    print(f"{'stage':<50} {'wall s':>8} {'CPU s':>8} {'peak RSS MB':>12}")
    for name, seconds, cpu_seconds, mb in stages:
        print(f"{name:<50} {seconds:>8.2f} {cpu_seconds:>8.2f} {mb:>12.0f}")
    print(f"{'whole':<50} {whole_s:>8.2f} {sum(s[2] for s in stages):>8.2f} {peak_mb():>12.0f}")
    print(
        f"plain DuckDB load of the same files (read_csv + UNPIVOT, the floor): {floor_s:.2f} s; "
        f"read+ingest / floor = {ingest_s / floor_s:.2f}x"
    )
    print(f"plain DuckDB insert of the same tidy rows from memory (storage only): {store_s:.2f} s")
    n, ok, flagged = match
    print(
        f"national hourly AQI match: {ok:,}/{n:,} = {ok / n:.4%}; of the {n - ok:,} differences, {flagged:,} are hours "
        f"where our value checks invalidated an input; without those: {ok:,}/{n - flagged:,} = {ok / (n - flagged):.4%}"
    )
    return 0


def plain_duckdb_load(folder: Path, days: list[dt.date], target: Path) -> float:
    """The floor: DuckDB reads the same files and stores the same cells, no checks, no reshaping to columns."""
    files = [str(folder / f"china_sites_{d:%Y%m%d}.csv") for d in days]
    started = time.perf_counter()
    con = duckdb.connect(str(target))
    con.execute(
        "CREATE TABLE cells AS UNPIVOT (SELECT * FROM read_csv(?, all_varchar = true, union_by_name = true)) "
        "ON COLUMNS(* EXCLUDE (date, hour, type)) INTO NAME station_code VALUE value",
        [files],
    )
    con.close()
    return time.perf_counter() - started


def plain_duckdb_store(batches: list, target: Path) -> float:
    """Only storing the same tidy rows (already in memory) in a DuckDB table: the cost of the write itself."""
    started = time.perf_counter()
    con = duckdb.connect(str(target))
    for batch in batches:
        con.register("_rows", batch.rows.to_arrow())
        con.execute("CREATE TABLE IF NOT EXISTS air_hourly AS SELECT * FROM _rows LIMIT 0")
        con.execute("INSERT INTO air_hourly SELECT * FROM _rows")
    con.close()
    return time.perf_counter() - started

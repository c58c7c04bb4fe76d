"""``python -m bench integrity --warehouse PATH [--scale N ...]``: how long the integrity check takes (issue 24).

Copies a real warehouse (one made by ``envmon run``), then, for each scale N, makes it N times bigger by copying
every table that has a station or section code N-1 more times under other codes (the hourly, daily and alert
tables of N regions: the same shapes, compressions and block counts per row as the real ones), checkpoints, and
times ``warehouse.integrity.check_tables`` on it: every table read through, in a fresh process each time so that
DuckDB's buffer pool is cold (the operating system's page cache is not dropped: it cannot be here, and a publish
reads a copy it has just written, which is in that cache too).
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

import duckdb

CODES = ("station_code", "section_code")


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench integrity")
    parser.add_argument("--warehouse", type=Path, required=True, help="a warehouse made by envmon run")
    parser.add_argument("--scale", type=int, nargs="+", default=[1, 5, 20])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--work", type=Path, default=Path("/tmp/envmon_bench_integrity"))
    args = parser.parse_args(argv)
    args.work.mkdir(parents=True, exist_ok=True)
    print("| scale | file MB | rows | tables | columns | check s (median) | MB/s |")
    print("|---|---|---|---|---|---|---|")
    for scale in args.scale:
        path = args.work / f"warehouse_x{scale}.duckdb"
        rows = grow(args.warehouse, path, scale)
        runs = [timed_check(path) for _ in range(args.repeat)]
        seconds = statistics.median(r["seconds"] for r in runs)
        size = path.stat().st_size / 1e6
        print(
            f"| {scale} | {size:,.0f} | {rows:,} | {runs[0]['tables']} | {runs[0]['columns']} | "
            f"{seconds:.2f} ({min(r['seconds'] for r in runs):.2f}–{max(r['seconds'] for r in runs):.2f}) | "
            f"{size / seconds:,.0f} |"
        )
        path.unlink()
    return 0


def grow(source: Path, target: Path, scale: int) -> int:
    """``target``: ``source`` with every coded table copied ``scale - 1`` more times; the total row count."""
    shutil.copyfile(source, target)
    con = duckdb.connect(str(target))
    tables = con.execute(
        "SELECT schema_name, table_name, list(column_name ORDER BY column_index) FROM duckdb_columns() "
        "JOIN duckdb_tables() USING (database_name, schema_name, table_name) "
        "WHERE database_name = current_database() GROUP BY ALL"
    ).fetchall()
    for schema, table, columns in tables:
        code = next((c for c in CODES if c in columns), None)
        if code is None or scale == 1:
            continue
        names = ", ".join(f'"{c}"' for c in columns)
        shifted = ", ".join(f"\"{c}\" || '~' || copy.n" if c == code else f'"{c}"' for c in columns)
        con.execute(
            f'INSERT INTO "{schema}"."{table}" ({names}) SELECT {shifted} FROM "{schema}"."{table}", '
            f"range(1, {scale}) copy(n)"
        )
    con.execute("CHECKPOINT")
    rows = sum(con.execute(f'SELECT count(*) FROM "{s}"."{t}"').fetchone()[0] for s, t, _ in tables)
    con.close()
    return rows


def timed_check(path: Path) -> dict:
    code = (
        "import json, sys, time; from pathlib import Path; from warehouse.integrity import check_tables; "
        "r = check_tables(Path(sys.argv[1])); "
        "print(json.dumps({'seconds': r.seconds, 'tables': r.tables, 'columns': r.columns}))"
    )
    started = time.monotonic()
    done = subprocess.run([sys.executable, "-c", code, str(path)], capture_output=True, text=True, check=True)
    result = json.loads(done.stdout.strip().splitlines()[-1])
    result["process_seconds"] = time.monotonic() - started
    return result

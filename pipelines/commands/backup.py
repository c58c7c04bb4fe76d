"""``envmon backup FOLDER``: a consistent copy of the warehouse, safe while the services run.

Copying ``warehouse.duckdb`` with ``cp`` while a run writes it can give a torn file. This copies it the way the
published snapshot is made: under the write lock (waiting, bounded, for a step that holds it), after a
checkpoint, into a temporary file renamed into place. The copy is read through first, every table (DuckDB checks
each block's checksum, ``warehouse.integrity``): a corrupt warehouse is refused with one line, and the last good
backup in FOLDER stays as it was. The raw batches, the archived files and the Dagster
instance are backed up with their own tools (rsync, pg_dump): docs/deployment.md.
"""

import datetime as dt
from pathlib import Path

from warehouse.paths import DataPaths
from warehouse.snapshot import publish_snapshot


def add_parser(sub) -> None:
    p = sub.add_parser("backup", help="a consistent copy of the warehouse into FOLDER (safe while runs write it)")
    p.add_argument("folder", type=Path, help="backup folder (created); the copy is FOLDER/warehouse.duckdb")
    p.add_argument("--debug", action="store_true", help="show tracebacks")


def main(args) -> int:
    paths = DataPaths.from_env()
    if not paths.warehouse.exists():
        raise FileNotFoundError(f"no warehouse at {paths.warehouse} (ENVMON_DATA_DIR)")
    target = args.folder / "warehouse.duckdb"
    size = publish_snapshot(paths.warehouse, target, verify=None)  # None: every table read through
    print(
        f"envmon backup: {target} ({size / 1e6:,.1f} MB, {dt.datetime.now():%Y-%m-%d %H:%M:%S}; "
        "every table read through, checksums good)"
    )
    return 0

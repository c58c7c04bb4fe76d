"""What ``envmon`` prints when a command fails: the error's own text, except for a full disk, which gets one line
naming the path (instead of, e.g., SQLite's ``(sqlite3.OperationalError) disk I/O error`` from Dagster's instance
storage, or a traceback), and a read-only data folder or a corrupt instance database (``instance_errors``)."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from pipelines.dagster_home import dagster_home
from pipelines.instance_errors import causes, instance_problem
from warehouse.snapshot import DISK_FULL, DiskFullError, disk_full

SQLITE_FULL = ("disk I/O error", "database or disk is full")
DUCKDB_FULL = "No space left on device"


def describe(exc: BaseException) -> str:
    for error in causes(exc):
        if isinstance(error, DiskFullError):
            return str(error)
        if isinstance(error, OSError) and error.errno in DISK_FULL:
            return str(disk_full(Path(error.filename or os.environ.get("ENVMON_DATA_DIR", "."))))
        text = str(error)
        if DUCKDB_FULL in text:  # DuckDB's IOException names the file: keep that line only
            return "disk full: " + next(line for line in text.splitlines() if DUCKDB_FULL in line).strip()
        if any(s in text for s in SQLITE_FULL):
            home = _existing(dagster_home())
            free = shutil.disk_usage(home).free / 1e6
            return (
                f"disk full or unwritable: cannot write the Dagster instance in {home} ({free:.1f} MB free); "
                "free some space, then run again (a stale run is marked failed at the next start)"
            )
    return instance_problem(exc) or str(exc)


def _existing(path: Path) -> Path:
    while not path.exists() and path != path.parent:
        path = path.parent
    return path

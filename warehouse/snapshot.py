"""The published read-only snapshot that staff and the CLI query.

The writer copies the warehouse while holding its write lock (so no other writer can change it mid-copy) into a
temporary file next to the snapshot, then renames it over the old one. The rename is atomic: a reader that has the
old snapshot open keeps reading the old file, a new reader gets the new one, and nobody ever waits on the pipeline.

Nothing corrupt is published or kept as a backup: the copy is read through before the rename
(``warehouse.integrity``), and a copy that fails is removed, so the last good snapshot (or backup) stays. A
failed check leaves ``warehouse.duckdb.corrupt`` (the error) next to the warehouse: while it is there every publish
checks every table, whatever it was asked to check, and the marker goes once a full check passes (the warehouse
restored from a backup). Otherwise a publish checks the tables it is given (the tables a run changed).

Temporary files never stay behind: a failed copy (a full disk) removes its own, and since the whole publish
happens under the write lock, any other temporary snapshot found while holding it is a leftover of a killed
publisher and is removed.
"""

from __future__ import annotations

import errno
import os
import shutil
from collections.abc import Collection
from pathlib import Path

from warehouse.connection import write_connection
from warehouse.integrity import CheckResult, CorruptWarehouseError, check_tables, corrupt_marker, mark_corrupt

DISK_FULL = (errno.ENOSPC, errno.EDQUOT, errno.EFBIG)
ALERT_TABLES = ("alerts",)  # what a delivery pass or an acknowledgement changes, hence checks before publishing


class DiskFullError(OSError):
    """A write that failed for lack of space; the message is one line naming the path."""

    def __init__(self, message: str):
        super().__init__(message)
        self.errno = errno.ENOSPC


def temporary_snapshots(snapshot: Path) -> list[Path]:
    return sorted(snapshot.parent.glob(f".{snapshot.name}.*.tmp"))


def publish_snapshot(warehouse: Path, snapshot: Path, verify: Collection[str] | None = None) -> int:
    """Replace ``snapshot`` by a consistent, checked copy of ``warehouse``; returns its size in bytes.

    ``verify``: the tables (``schema`` or ``schema.table``) to read through on the copy; None checks them all.
    ``CorruptWarehouseError`` when a block fails its checksum: ``snapshot`` is left as it was."""
    snapshot.parent.mkdir(parents=True, exist_ok=True)
    tmp = snapshot.with_name(f".{snapshot.name}.{os.getpid()}.tmp")
    with write_connection(warehouse) as con:
        for leftover in temporary_snapshots(snapshot):  # under the lock: only killed publishers leave these
            leftover.unlink(missing_ok=True)
        con.execute("CHECKPOINT")  # everything in the main file, nothing left in the WAL
        try:
            shutil.copyfile(warehouse, tmp)
            os.chmod(tmp, 0o444)
            verify_copy(tmp, warehouse, verify)
            os.replace(tmp, snapshot)
        except OSError as exc:
            tmp.unlink(missing_ok=True)
            if exc.errno in DISK_FULL:
                raise disk_full(snapshot, warehouse.stat().st_size) from None
            raise
        except CorruptWarehouseError:
            tmp.unlink(missing_ok=True)
            raise
    return snapshot.stat().st_size


def verify_copy(copy: Path, warehouse: Path, verify: Collection[str] | None) -> CheckResult:
    """Check ``copy`` (of ``warehouse``); every table while the warehouse is marked corrupt."""
    marker = corrupt_marker(warehouse)
    marked = marker.exists()
    try:
        result = check_tables(copy, None if marked else verify, source=warehouse)
    except CorruptWarehouseError as exc:
        raise mark_corrupt(warehouse, exc) from None
    if marked:
        marker.unlink(missing_ok=True)  # a full check passed: the warehouse was restored
    return result


def disk_full(path: Path, needed: int | None = None) -> DiskFullError:
    """The one-line error for ``path`` (a file or folder), with the free space of its disk."""
    existing = Path(path)
    while not existing.exists() and existing != existing.parent:
        existing = existing.parent
    free = shutil.disk_usage(existing).free
    want = f", {needed / 1e6:.1f} MB needed" if needed else ""
    return DiskFullError(f"disk full: cannot write {path} ({free / 1e6:.1f} MB free{want})")

"""The published read-only snapshot that staff and the CLI query.

The writer copies the warehouse while holding its write lock (so no other writer can change it mid-copy) into a
temporary file next to the snapshot, then renames it over the old one. The rename is atomic: a reader that has the
old snapshot open keeps reading the old file, a new reader gets the new one, and nobody ever waits on the pipeline.

Temporary files never stay behind: a failed copy (a full disk) removes its own, and since the whole publish
happens under the write lock, any other temporary snapshot found while holding it is a leftover of a killed
publisher and is removed.
"""

from __future__ import annotations

import errno
import os
import shutil
from pathlib import Path

from warehouse.connection import write_connection

DISK_FULL = (errno.ENOSPC, errno.EDQUOT, errno.EFBIG)


class DiskFullError(OSError):
    """A write that failed for lack of space; the message is one line naming the path."""

    def __init__(self, message: str):
        super().__init__(message)
        self.errno = errno.ENOSPC


def temporary_snapshots(snapshot: Path) -> list[Path]:
    return sorted(snapshot.parent.glob(f".{snapshot.name}.*.tmp"))


def publish_snapshot(warehouse: Path, snapshot: Path) -> int:
    """Replace ``snapshot`` by a consistent copy of ``warehouse``; returns its size in bytes."""
    snapshot.parent.mkdir(parents=True, exist_ok=True)
    tmp = snapshot.with_name(f".{snapshot.name}.{os.getpid()}.tmp")
    with write_connection(warehouse) as con:
        for leftover in temporary_snapshots(snapshot):  # under the lock: only killed publishers leave these
            leftover.unlink(missing_ok=True)
        con.execute("CHECKPOINT")  # everything in the main file, nothing left in the WAL
        try:
            shutil.copyfile(warehouse, tmp)
            os.chmod(tmp, 0o444)
            os.replace(tmp, snapshot)
        except OSError as exc:
            tmp.unlink(missing_ok=True)
            if exc.errno in DISK_FULL:
                raise disk_full(snapshot, warehouse.stat().st_size) from None
            raise
    return snapshot.stat().st_size


def disk_full(path: Path, needed: int | None = None) -> DiskFullError:
    """The one-line error for ``path`` (a file or folder), with the free space of its disk."""
    existing = Path(path)
    while not existing.exists() and existing != existing.parent:
        existing = existing.parent
    free = shutil.disk_usage(existing).free
    want = f", {needed / 1e6:.1f} MB needed" if needed else ""
    return DiskFullError(f"disk full: cannot write {path} ({free / 1e6:.1f} MB free{want})")

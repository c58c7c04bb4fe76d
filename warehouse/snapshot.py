"""The published read-only snapshot that staff and the CLI query.

The writer copies the warehouse while holding its write lock (so no other writer can change it mid-copy) into a
temporary file next to the snapshot, then renames it over the old one. The rename is atomic: a reader that has the
old snapshot open keeps reading the old file, a new reader gets the new one, and nobody ever waits on the pipeline.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from warehouse.connection import write_connection


def publish_snapshot(warehouse: Path, snapshot: Path) -> int:
    """Replace ``snapshot`` by a consistent copy of ``warehouse``; returns its size in bytes."""
    snapshot.parent.mkdir(parents=True, exist_ok=True)
    tmp = snapshot.with_name(f".{snapshot.name}.{os.getpid()}.tmp")
    with write_connection(warehouse) as con:
        con.execute("CHECKPOINT")  # everything in the main file, nothing left in the WAL
        shutil.copyfile(warehouse, tmp)
    os.chmod(tmp, 0o444)
    os.replace(tmp, snapshot)
    return snapshot.stat().st_size

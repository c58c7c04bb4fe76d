"""``meta.batches``: one row per batch a source delivered — where its raw file is and what became of its rows."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import duckdb
import polars as pl

from warehouse.partitions import replace_partition


def record_batch(
    con: duckdb.DuckDBPyConnection,
    dataset: str,
    source: str,
    day: dt.date,
    batch_id: str,
    raw_path: Path,
    rows_in: int,
    rows_staged: int,
    rows_rejected: int,
    *,
    replaces: tuple[str, ...] = ("dataset", "load_partition"),
) -> None:
    """Writes the batch's record in place of the earlier record with the same ``replaces`` columns: by default the
    partition's (a re-run replaces the partition's batch whatever its source); add ``source`` where sources share a
    dataset, ``batch_id`` where a partition receives several batches (monitoring-centre files)."""
    record = {
        "dataset": dataset, "source": source, "load_partition": day, "batch_id": batch_id, "raw_path": str(raw_path),
        "rows_in": rows_in, "rows_staged": rows_staged, "rows_rejected": rows_rejected,
    }
    where = " AND ".join(f"{column} = ?" for column in replaces)
    replace_partition(con, "meta.batches", pl.DataFrame([record]), where, [record[c] for c in replaces])

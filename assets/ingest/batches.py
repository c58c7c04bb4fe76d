"""``meta.batches``: one row per batch a source delivered — where its raw file is and what became of its rows."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import duckdb
import polars as pl

from warehouse.partitions import replace_partition, replace_rows


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
    within_transaction: bool = False,
    received_at: dt.datetime | None = None,
) -> None:
    """Writes the batch's record in place of the earlier record with the same ``replaces`` columns: by default the
    partition's (a re-run replaces the partition's batch whatever its source); add ``source`` where sources share a
    dataset, ``batch_id`` where a partition receives several batches (monitoring-centre files).

    ``within_transaction``: the caller's transaction holds the write (it commits the record with the batch's rows);
    otherwise the record is replaced in a transaction of its own. ``received_at``: when the batch arrived (CST)."""
    record = {
        "dataset": dataset,
        "source": source,
        "load_partition": day,
        "batch_id": batch_id,
        "raw_path": str(raw_path),
        "rows_in": rows_in,
        "rows_staged": rows_staged,
        "rows_rejected": rows_rejected,
        "received_at": received_at,
    }
    where = " AND ".join(f"{column} = ?" for column in replaces)
    write = replace_rows if within_transaction else replace_partition
    frame = pl.DataFrame([record], schema_overrides={"received_at": pl.Datetime("us")})
    write(con, "meta.batches", frame, where, [record[c] for c in replaces])

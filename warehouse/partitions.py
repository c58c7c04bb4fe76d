"""Idempotent partition writes: a partition's rows are replaced as a whole, in one transaction."""

from __future__ import annotations

import duckdb
import polars as pl


def replace_partition(
    con: duckdb.DuckDBPyConnection,
    table: str,
    frame: pl.DataFrame,
    where: str,
    params: list,
) -> int:
    """Delete the rows matching ``where`` and insert ``frame`` (by column name) in one transaction."""
    con.execute("BEGIN TRANSACTION")
    try:
        con.execute(f"DELETE FROM {table} WHERE {where}", params)
        if frame.height:
            con.register("_incoming", frame.to_arrow())
            con.execute(f"INSERT INTO {table} BY NAME SELECT * FROM _incoming")
            con.unregister("_incoming")
        con.execute("COMMIT")
    except Exception:
        con.execute("ROLLBACK")
        raise
    return frame.height

"""Writes of Polars frames: idempotent partition replaces (a partition's rows replaced as a whole, in one
transaction), plain appends, and whole-table replaces."""

from __future__ import annotations

import duckdb
import polars as pl


def insert_frame(con: duckdb.DuckDBPyConnection, table: str, frame: pl.DataFrame) -> int:
    """Append ``frame`` to ``table`` by column name (within the caller's transaction, if any)."""
    if frame.height:
        con.register("_incoming", frame.to_arrow())
        con.execute(f"INSERT INTO {table} BY NAME SELECT * FROM _incoming")
        con.unregister("_incoming")
    return frame.height


def replace_table(con: duckdb.DuckDBPyConnection, table: str, frame: pl.DataFrame) -> int:
    """Create or replace ``table`` with exactly the rows and columns of ``frame``."""
    con.register("_incoming", frame.to_arrow())
    con.execute(f"CREATE OR REPLACE TABLE {table} AS SELECT * FROM _incoming")
    con.unregister("_incoming")
    return frame.height


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
        insert_frame(con, table, frame)
        con.execute("COMMIT")
    except Exception:
        con.execute("ROLLBACK")
        raise
    return frame.height

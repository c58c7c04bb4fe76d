"""Writes of Polars frames: idempotent partition replaces (a partition's rows replaced as a whole, in one
transaction), plain appends, and whole-table replaces."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import duckdb
import polars as pl


@contextmanager
def transaction(con: duckdb.DuckDBPyConnection) -> Iterator[duckdb.DuckDBPyConnection]:
    """All writes inside commit together or not at all."""
    con.execute("BEGIN TRANSACTION")
    try:
        yield con
        con.execute("COMMIT")
    except Exception:
        con.execute("ROLLBACK")
        raise


@contextmanager
def registered(con: duckdb.DuckDBPyConnection, name: str, frame: pl.DataFrame) -> Iterator[None]:
    """``frame`` readable as the view ``name`` inside the block, and gone after it, even on an error (a view left
    behind would shadow the next caller's frame of the same name)."""
    con.register(name, frame.to_arrow())
    try:
        yield
    finally:
        con.unregister(name)


def insert_frame(con: duckdb.DuckDBPyConnection, table: str, frame: pl.DataFrame) -> int:
    """Append ``frame`` to ``table`` by column name (within the caller's transaction, if any)."""
    if frame.height:
        with registered(con, "_incoming", frame):
            con.execute(f"INSERT INTO {table} BY NAME SELECT * FROM _incoming")
    return frame.height


def replace_table(con: duckdb.DuckDBPyConnection, table: str, frame: pl.DataFrame) -> int:
    """Create or replace ``table`` with exactly the rows and columns of ``frame``."""
    with registered(con, "_incoming", frame):
        con.execute(f"CREATE OR REPLACE TABLE {table} AS SELECT * FROM _incoming")
    return frame.height


def replace_partition(
    con: duckdb.DuckDBPyConnection,
    table: str,
    frame: pl.DataFrame,
    where: str,
    params: list,
) -> int:
    """Delete the rows matching ``where`` and insert ``frame`` (by column name) in one transaction."""
    with transaction(con):
        return replace_rows(con, table, frame, where, params)


def replace_rows(con: duckdb.DuckDBPyConnection, table: str, frame: pl.DataFrame, where: str, params: list) -> int:
    """Delete the rows matching ``where`` and insert ``frame`` (within the caller's transaction, if any)."""
    con.execute(f"DELETE FROM {table} WHERE {where}", params)
    return insert_frame(con, table, frame)

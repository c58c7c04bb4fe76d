"""Short-lived DuckDB connections.

DuckDB allows one writing process and a read-write connection blocks read-only opens from other processes, so
writers open, write and close (serialised by the Dagster pool ``duckdb_writer``), and readers use the snapshot.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import duckdb

from warehouse.integrity import CorruptWarehouseError, is_corruption, mark_corrupt
from warehouse.schema import ensure_schema

LOCK_WAIT_SECONDS = 60.0


@contextmanager
def write_connection(path: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    """Open the warehouse for writing; wait (bounded) if another process holds the lock.

    A damaged block met by any statement (DuckDB's checksum error) becomes ``CorruptWarehouseError``: one line
    naming the file and the fix, and the file marked so that nothing publishes it (``warehouse.integrity``)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        con = _open_with_retry(path)
        try:
            ensure_schema(con)
            yield con
        finally:
            con.close()
    except duckdb.Error as exc:
        if not is_corruption(exc):
            raise
        raise mark_corrupt(path, CorruptWarehouseError(path, None, str(exc).strip().splitlines()[0])) from None


@contextmanager
def read_connection(path: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    if not path.exists():
        raise FileNotFoundError(f"no database at {path}: run `envmon run` (or `make run`) first")
    con = duckdb.connect(str(path), read_only=True)
    try:
        yield con
    finally:
        con.close()


def _open_with_retry(path: Path) -> duckdb.DuckDBPyConnection:
    deadline = time.monotonic() + LOCK_WAIT_SECONDS
    while True:
        try:
            return duckdb.connect(str(path))
        except duckdb.IOException as exc:  # another process holds the write lock
            if "lock" not in str(exc).lower() or time.monotonic() > deadline:
                raise
            time.sleep(0.5)


def fetch_one(con: duckdb.DuckDBPyConnection, sql: str, params: list | None = None) -> tuple | None:
    """The first row of a query, with the result consumed.

    duckdb 2.x keeps an ``execute()`` result open until a fetch returns no rows, and refuses other work on the
    connection meanwhile; ``fetchone()`` alone leaves it open.
    """
    rows = con.execute(sql, params or []).fetchall()
    return rows[0] if rows else None


def fetch_polars(con: duckdb.DuckDBPyConnection, sql: str, params: list | None = None):
    """Run a query and return a Polars frame (duckdb 2.x: ``.pl()`` is on relations, not on ``execute`` results)."""
    return con.sql(sql, params=params or None).pl()

"""Staff SQL on the published snapshot: read-only in fact, not only in name.

``read_only=True`` alone still lets DuckDB run ``COPY … TO`` (over the live warehouse, into the landing folder or
the outbox), ``ATTACH`` (a read-only attach of the live warehouse holds a lock that blocks the next run),
``INSTALL``/``LOAD`` and ``read_csv('/etc/passwd')``. So the connection that runs user SQL:

- opens the snapshot read-only with ``enable_external_access = false`` (no file but the snapshot itself: COPY,
  EXPORT, read_*/glob, ATTACH of another file and INSTALL all fail inside DuckDB), extension auto-install and
  auto-load off, and the configuration locked, so that no ``SET`` can undo any of it;
- runs only statements of type SELECT or EXPLAIN (DESCRIBE, SHOW, SUMMARIZE, FROM … and VALUES are SELECTs):
  anything else (ATTACH of the snapshot itself, LOAD of a built-in extension, SET, PRAGMA, CALL, COPY) is refused
  before it runs;
- is interrupted after ``ENVMON_QUERY_TIMEOUT`` seconds. DuckDB has no statement timeout of its own: a timer thread
  calls ``interrupt()`` on the connection, which stops the running statement at its next check;
- may use ``ENVMON_QUERY_MEMORY`` (DuckDB's ``memory_limit``, 1GB by default) and never spills to disk
  (``temp_directory`` empty): a query that needs more stops with one line naming the setting, instead of growing
  until the machine swaps or filling the disk beside the snapshot.

This module imports no Polars at import time (``envmon query`` renders with DuckDB alone, ``warehouse.query_output``);
``run_query`` returns a Polars frame for the callers that want one.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

import duckdb

from warehouse.query_output import FORMATS
from warehouse.query_settings import (
    MEMORY_VARIABLE,
    TIMEOUT_VARIABLE,
    QuerySettingError,
    query_memory,
    query_timeout,
)

if TYPE_CHECKING:
    import polars as pl

__all__ = ["FORMATS", "QuerySettingError", "query_timeout", "guarded_query", "run_query"]

ALLOWED_STATEMENTS = (duckdb.StatementType.SELECT, duckdb.StatementType.EXPLAIN)
LOCKED_CONFIG = {
    "enable_external_access": False,
    "autoinstall_known_extensions": False,
    "autoload_known_extensions": False,
    "temp_directory": "",  # no spilling: the memory limit is a limit, and nothing is written beside the snapshot
}


class QueryRefused(ValueError):
    """User SQL that the read-only query path does not run (the message says why and what to do instead)."""


class QueryTimeout(RuntimeError):
    pass


class QueryOutOfMemory(RuntimeError):
    pass


@contextmanager
def locked_connection(snapshot: Path, memory: str | None = None) -> Iterator[duckdb.DuckDBPyConnection]:
    """The snapshot, read-only, with external access disabled, the memory capped and the configuration locked."""
    if not snapshot.exists():
        raise FileNotFoundError(f"no database at {snapshot}: run `envmon run` (or `make run`) first")
    config = {**LOCKED_CONFIG, "memory_limit": memory or query_memory()}
    config["lock_configuration"] = True  # last: after it, no SET / PRAGMA can change the settings above
    con = duckdb.connect(str(snapshot), read_only=True, config=config)
    try:
        yield con
    finally:
        con.close()


def check_statements(con: duckdb.DuckDBPyConnection, sql: str) -> str:
    """The SQL if it holds exactly one SELECT or EXPLAIN statement; QueryRefused otherwise."""
    try:
        statements = con.extract_statements(sql)
    except duckdb.Error as exc:
        raise QueryRefused(f"cannot parse the query: {str(exc).splitlines()[0]}") from None
    if len(statements) != 1:
        raise QueryRefused(f"one statement per query, got {len(statements)}")
    kind = statements[0].type
    if kind not in ALLOWED_STATEMENTS:
        name = str(kind).rsplit(".", 1)[-1]
        raise QueryRefused(
            f"{name} is not allowed: `envmon query` is read-only and runs SELECT (or EXPLAIN) only; to save a "
            'result use `envmon query "SELECT …" --format csv > file.csv` or `envmon export "SELECT …" --output FILE`'
        )
    return sql


@contextmanager
def guarded_query(
    snapshot: Path, sql: str, timeout: float | None = None, memory: str | None = None
) -> Iterator[duckdb.DuckDBPyConnection]:
    """The locked connection, once ``sql`` is known to be one SELECT: run and consume ``sql`` on it inside the block.

    QueryRefused for anything else, QueryTimeout after ``timeout`` seconds, QueryOutOfMemory over ``memory``."""
    timeout = query_timeout() if timeout is None else timeout
    memory = memory or query_memory()
    with locked_connection(snapshot, memory) as con:
        check_statements(con, sql)
        timer = threading.Timer(timeout, con.interrupt) if timeout else None
        if timer:
            timer.daemon = True
            timer.start()
        try:
            yield con
        except duckdb.InterruptException:
            raise QueryTimeout(
                f"query stopped after {timeout:g} s ({TIMEOUT_VARIABLE}); narrow it (WHERE day …, LIMIT) "
                "or raise the limit"
            ) from None
        except duckdb.OutOfMemoryException:
            raise QueryOutOfMemory(
                f"query stopped: it needs more than {memory} of memory ({MEMORY_VARIABLE}); narrow it "
                "(WHERE day …, LIMIT, fewer columns) or raise the limit"
            ) from None
        except duckdb.PermissionException as exc:  # external access: a file outside the snapshot
            raise QueryRefused(
                f"{str(exc).splitlines()[0]}: `envmon query` reads the published snapshot only"
            ) from None
        finally:
            if timer:
                timer.cancel()


def run_query(snapshot: Path, sql: str, timeout: float | None = None, memory: str | None = None) -> pl.DataFrame:
    """Run one SELECT on the snapshot and return its result as a Polars frame (see ``guarded_query``)."""
    with guarded_query(snapshot, sql, timeout, memory) as con:
        return con.sql(sql).pl()

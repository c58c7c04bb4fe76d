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
  calls ``interrupt()`` on the connection, which stops the running statement at its next check.
"""

from __future__ import annotations

import io
import json
import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import duckdb
import polars as pl

from warehouse.connection import fetch_polars

FORMATS = ("table", "csv", "json")
TIMEOUT_VARIABLE = "ENVMON_QUERY_TIMEOUT"
DEFAULT_TIMEOUT_SECONDS = 300.0
ALLOWED_STATEMENTS = (duckdb.StatementType.SELECT, duckdb.StatementType.EXPLAIN)
LOCKED_CONFIG = {
    "enable_external_access": False,
    "autoinstall_known_extensions": False,
    "autoload_known_extensions": False,
    "lock_configuration": True,  # last: after it, no SET / PRAGMA can change the settings above
}


class QueryRefused(ValueError):
    """User SQL that the read-only query path does not run (the message says why and what to do instead)."""


class QueryTimeout(RuntimeError):
    pass


def query_timeout(env: dict | None = None) -> float:
    """Seconds from ENVMON_QUERY_TIMEOUT (default 300; 0 = no limit)."""
    raw = (os.environ if env is None else env).get(TIMEOUT_VARIABLE) or str(DEFAULT_TIMEOUT_SECONDS)
    try:
        seconds = float(raw)
    except ValueError:
        raise ValueError(f"{TIMEOUT_VARIABLE} is {raw!r}; expected a number of seconds") from None
    if seconds < 0:
        raise ValueError(f"{TIMEOUT_VARIABLE} is {raw!r}; expected 0 (no limit) or more seconds")
    return seconds


@contextmanager
def locked_connection(snapshot: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    """The snapshot, read-only, with external access disabled and the configuration locked."""
    if not snapshot.exists():
        raise FileNotFoundError(f"no database at {snapshot}: run `envmon run` (or `make run`) first")
    con = duckdb.connect(str(snapshot), read_only=True, config=dict(LOCKED_CONFIG))
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


def run_query(snapshot: Path, sql: str, timeout: float | None = None) -> pl.DataFrame:
    """Run one SELECT on the snapshot; QueryRefused for anything else, QueryTimeout after ``timeout`` seconds."""
    timeout = query_timeout() if timeout is None else timeout
    with locked_connection(snapshot) as con:
        check_statements(con, sql)
        timer = threading.Timer(timeout, con.interrupt) if timeout else None
        if timer:
            timer.daemon = True
            timer.start()
        try:
            return fetch_polars(con, sql)
        except duckdb.InterruptException:
            raise QueryTimeout(
                f"query stopped after {timeout:g} s ({TIMEOUT_VARIABLE}); narrow it (WHERE day …, LIMIT) "
                "or raise the limit"
            ) from None
        except duckdb.PermissionException as exc:  # external access: a file outside the snapshot
            raise QueryRefused(
                f"{str(exc).splitlines()[0]}: `envmon query` reads the published snapshot only"
            ) from None
        finally:
            if timer:
                timer.cancel()


def format_frame(frame: pl.DataFrame, fmt: str) -> str:
    if fmt == "csv":
        buf = io.StringIO()
        frame.write_csv(buf)
        return buf.getvalue()
    if fmt == "json":
        return json.dumps(frame.to_dicts(), ensure_ascii=False, default=str, indent=1)
    with pl.Config(tbl_rows=200, tbl_cols=40, fmt_str_lengths=60, tbl_width_chars=200):
        return str(frame)

"""The day window that partitioned models and the views they read see (DuckDB variables, _macros/window.sql).

Anyone who reads a few days through the views (the alert rules, a report) sets the window first, so that the
views read those days only instead of the whole history.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager

import duckdb

VARIABLES = ("start_day", "end_day", "input_start_day", "input_end_day")


@contextmanager
def day_window(
    con: duckdb.DuckDBPyConnection,
    start: dt.date,
    end: dt.date,
    input_start: dt.date | None = None,
    input_end: dt.date | None = None,
) -> Iterator[duckdb.DuckDBPyConnection]:
    """Days [start, end) are the window; inputs are read over [input_start, input_end) (default: the window)."""
    values = (start, end, input_start or start, input_end or end)
    for name, value in zip(VARIABLES, values):
        con.execute(f"SET VARIABLE {name} = CAST(? AS DATE)", [value])
    try:
        yield con
    finally:
        for name in VARIABLES:
            con.execute(f"RESET VARIABLE {name}")

"""A query's result as text: a table for people, CSV for files, JSON; from the DuckDB relation itself.

No Polars here (importing it costs more than DuckDB answering ``select 1``): the table is DuckDB's own box
rendering (of the first and last rows only), CSV and JSON are written from rows fetched in chunks, so a large result
streams with constant memory (``ENVMON_QUERY_MEMORY`` caps DuckDB's own work, not Python's).
CSV has no nested values: a list, struct or map cell becomes its JSON text (``[1, 2]``, ``{"a": 1}``), which any
spreadsheet shows and any JSON reader reads back.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import textwrap
from contextlib import redirect_stdout
from typing import TextIO

import duckdb

FORMATS = ("table", "csv", "json")
TABLE_ROWS = 200  # rows a table shows (DuckDB prints the first and last ones and says how many it left out)
TABLE_WIDTH = 200
TABLE_CELL_WIDTH = 60
CHUNK_ROWS = 10_000


def table_text(con: duckdb.DuckDBPyConnection, sql: str) -> str:
    buf = io.StringIO()
    with redirect_stdout(buf):  # show() is the public way to get DuckDB's rendering with these limits
        con.sql(sql).show(max_rows=TABLE_ROWS, max_width=TABLE_WIDTH, max_col_width=TABLE_CELL_WIDTH)
    return buf.getvalue()


def cell_text(value) -> str:
    """One CSV cell: nested values as JSON, the rest as DuckDB and spreadsheets write them."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list | tuple | dict):
        return json.dumps(value, ensure_ascii=False, default=str)
    if isinstance(value, dt.datetime):
        return value.isoformat(sep=" ")
    return str(value)


def write_csv(con: duckdb.DuckDBPyConnection, sql: str, out: TextIO) -> int:
    """The header and every row of the query as CSV on ``out``; returns the number of rows."""
    result = con.execute(sql)
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow([d[0] for d in result.description])
    rows = 0
    while chunk := result.fetchmany(CHUNK_ROWS):
        writer.writerows([cell_text(v) for v in row] for row in chunk)
        rows += len(chunk)
    return rows


def write_json(con: duckdb.DuckDBPyConnection, sql: str, out: TextIO) -> int:
    """The rows as a JSON array of objects (``json.dumps(rows, indent=1)``), written a chunk at a time."""
    result = con.execute(sql)
    names = [d[0] for d in result.description]
    rows = 0
    out.write("[")
    while chunk := result.fetchmany(CHUNK_ROWS):
        for row in chunk:
            item = json.dumps(dict(zip(names, row, strict=True)), ensure_ascii=False, default=str, indent=1)
            out.write(("\n" if rows == 0 else ",\n") + textwrap.indent(item, " "))
            rows += 1
    out.write("\n]\n" if rows else "]\n")
    return rows


def write_result(con: duckdb.DuckDBPyConnection, sql: str, fmt: str, out: TextIO) -> None:
    if fmt == "csv":
        write_csv(con, sql, out)
    elif fmt == "json":
        write_json(con, sql, out)
    else:
        out.write(table_text(con, sql))

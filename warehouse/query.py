"""Read-only SQL on the published snapshot, formatted for people or for other tools."""

from __future__ import annotations

import io
import json
from pathlib import Path

import polars as pl

from warehouse.connection import fetch_polars, read_connection

FORMATS = ("table", "csv", "json")


def run_query(snapshot: Path, sql: str) -> pl.DataFrame:
    with read_connection(snapshot) as con:
        return fetch_polars(con, sql)


def format_frame(frame: pl.DataFrame, fmt: str) -> str:
    if fmt == "csv":
        buf = io.StringIO()
        frame.write_csv(buf)
        return buf.getvalue()
    if fmt == "json":
        return json.dumps(frame.to_dicts(), ensure_ascii=False, default=str, indent=1)
    with pl.Config(tbl_rows=200, tbl_cols=40, fmt_str_lengths=60, tbl_width_chars=200):
        return str(frame)

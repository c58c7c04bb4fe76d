"""Writes to forecast.aqi_daily: a source's forecast of one issue date is replaced as a whole (re-runs idempotent)."""

from __future__ import annotations

import datetime as dt

import duckdb
import polars as pl

from warehouse.partitions import replace_partition

TABLE = "forecast.aqi_daily"


def write_forecast(
    con: duckdb.DuckDBPyConnection, rows: pl.DataFrame, source: str, issue_date: dt.date, load_partition: dt.date
) -> int:
    wrong = rows.filter((pl.col("source") != source) | (pl.col("issue_date") != issue_date))
    if wrong.height:
        raise ValueError(f"{TABLE}: {wrong.height} row(s) are not of source {source!r} issued {issue_date}")
    return replace_partition(
        con,
        TABLE,
        rows.with_columns(load_partition=pl.lit(load_partition)),
        "source = ? AND issue_date = ?",
        [source, issue_date],
    )

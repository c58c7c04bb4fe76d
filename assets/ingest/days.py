"""Which natural days a write changes (natural day D = D 01:00 ... D+1 00:00, the label at the end of the hour).

A batch received for day D may carry late readings of earlier days, and a monitoring-centre file readings of any
days: what a write changed is the set of natural days of the rows it removed and of the rows it wrote. Those are
the partitions whose marts and alerts must be re-derived.
"""

from __future__ import annotations

import datetime as dt

import duckdb
import polars as pl

from warehouse.connection import fetch_polars


def natural_day(ts: pl.Expr) -> pl.Expr:
    return ts.dt.offset_by("-1h").dt.date()


def natural_days(ts: pl.Series) -> list[dt.date]:
    return ts.to_frame("ts").select(natural_day(pl.col("ts")).unique().sort())["ts"].to_list()


def staged_days(con: duckdb.DuckDBPyConnection, table: str, where: str, params: list) -> set[dt.date]:
    """Natural days of the rows of ``table`` matching ``where`` (about to be replaced)."""
    days = fetch_polars(
        con, f"SELECT DISTINCT CAST(ts - INTERVAL 1 HOUR AS DATE) AS day FROM {table} WHERE {where}", params
    )
    return set(days["day"].to_list())

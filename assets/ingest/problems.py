"""Problem lines: what a reader met that is neither a clean value nor, on its own, a rejected row or cell.

Rows of another date than the file's name, station codes matched only after trimming or case-folding, formulas
without a cached value, extra sheets, readings older than the horizon, truncated rows, unreadable files... Readers
return them as dicts (``file, row, field, kind, message``); they are stored in ``meta.ingest_problems`` with the
batch (or file) and the Dagster run that met them, so that nothing is lost with exit 0: each run's lines are counted
in `envmon run`'s and `envmon ingest`'s closing summary and e-mailed once to data operations
(``assets/ingest/problem_mail.py``).
"""

from __future__ import annotations

import datetime as dt

import duckdb
import polars as pl

from warehouse.connection import fetch_polars
from warehouse.partitions import insert_frame

TABLE = "meta.ingest_problems"
SCHEMA = {
    "dataset": pl.String,
    "source": pl.String,
    "batch_id": pl.String,
    "file": pl.String,
    "day": pl.Date,
    "row_number": pl.Int64,
    "field": pl.String,
    "kind": pl.String,
    "message": pl.String,
    "run_id": pl.String,
    "seen_at": pl.Datetime("us"),
}
SHOWN_PER_GROUP = 3  # example lines per file x kind in a summary or an e-mail


def problem_frame(
    problems: list[dict],
    *,
    dataset: str,
    source: str,
    batch_id: str | None,
    day: dt.date | None,
    run_id: str | None,
    now: dt.datetime,
) -> pl.DataFrame:
    """The readers' problem dicts as rows of ``meta.ingest_problems`` (a dict without ``kind`` is a "problem")."""
    rows = [
        {
            "dataset": dataset,
            "source": source,
            "batch_id": batch_id,
            "file": _text(p.get("file")),
            "day": day,
            "row_number": p.get("row") if isinstance(p.get("row"), int) else None,
            "field": _text(p.get("field")),
            "kind": p.get("kind") or "problem",
            "message": str(p.get("message", "")),
            "run_id": run_id,
            "seen_at": now,
        }
        for p in problems
    ]
    return pl.DataFrame(rows, schema=SCHEMA)


def store_problems(con: duckdb.DuckDBPyConnection, frame: pl.DataFrame, replace: dict | None = None) -> int:
    """Append the lines; ``replace`` (column -> value) first deletes the earlier lines of the same batch or day, so
    a re-run of a partition keeps one copy. Within the caller's transaction, if any."""
    if replace:
        where = " AND ".join(f"{column} = ?" for column in replace)
        con.execute(f"DELETE FROM {TABLE} WHERE {where}", list(replace.values()))
    return insert_frame(con, TABLE, frame)


def run_problems(con: duckdb.DuckDBPyConnection, run_ids: list[str]) -> pl.DataFrame:
    """The lines stored by these runs, in the order they were met."""
    if not run_ids:
        return pl.DataFrame(schema=SCHEMA)
    marks = ", ".join("?" for _ in run_ids)
    return fetch_polars(
        con,
        f"SELECT * FROM {TABLE} WHERE run_id IN ({marks}) ORDER BY seen_at, dataset, file, row_number NULLS FIRST",
        list(run_ids),
    )


def grouped_lines(frame: pl.DataFrame, shown: int = SHOWN_PER_GROUP) -> list[str]:
    """One line per dataset x file x kind (with its count), then its first ``shown`` messages indented."""
    lines = []
    groups = (
        frame.with_columns(pl.col("file").fill_null(""))
        .group_by("dataset", "file", "kind", maintain_order=True)
        .agg(pl.len().alias("n"), pl.col("row_number", "field", "message").head(shown))
    )
    for g in groups.iter_rows(named=True):
        name = g["file"] or "-"
        lines.append(f"{g['dataset']} {name}: {g['n']} x {g['kind']}")
        for row, field, message in zip(g["row_number"], g["field"], g["message"]):
            where = ", ".join(
                filter(None, [f"row {row}" if row is not None else "", f"field {field}" if field else ""])
            )
            lines.append(f"    {where + ': ' if where else ''}{message}")
        if g["n"] > shown:
            lines.append(f"    ... and {g['n'] - shown} more")
    return lines


def _text(value) -> str | None:
    return None if value is None else str(value)

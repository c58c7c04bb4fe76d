"""The lines of one national archive file (``date,hour,type,<station codes…>``) that cannot be used as they are.

A line is kept out, with its reason, when its date or hour cannot be read, its type is unknown, it carries another
date than the file's name (a misnamed or mixed file: loading it would put readings on the wrong day), or a later
line of the file repeats its (date, hour, type) (the last delivery wins). Each such line becomes a record of
``quarantine.rejected_rows`` (its key cells and the non-empty cells of catalog stations, as JSON), and a problem
line. Station columns written otherwise than in the catalog (``1883a``, ``18 84A``) are read under the catalog's
code, and reported.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import polars as pl

from assets.ingest.files import MISSING_TOKENS, ROW_COLUMN

KEY_COLUMNS = ("date", "hour", "type")
MAX_LISTED = 1000  # problem dicts per kind and file; quarantine keeps every line


def normalise_codes(frame: pl.DataFrame, path: Path, known: set[str], problems: list[dict]) -> pl.DataFrame:
    """Rename station columns that match the catalog only after trimming, dropping spaces or upper-casing."""
    renames, dropped = {}, []
    for column in frame.columns:
        code = re.sub(r"\s+", "", column).upper()
        if column in known or code not in known:
            continue
        if code in frame.columns or code in renames.values():  # both spellings in one file: the catalog's is read
            dropped.append(column)
            problems.append(
                {
                    "file": str(path),
                    "row": 1,
                    "field": column,
                    "kind": "code_duplicate",
                    "message": f"station column {column!r} repeats {code} after normalisation: not read",
                }
            )
            continue
        renames[column] = code
        problems.append(
            {
                "file": str(path),
                "row": 1,
                "field": column,
                "kind": "code_normalised",
                "message": f"station code {column!r} read as {code} (the catalog's spelling)",
            }
        )
    return frame.drop(dropped).rename(renames)


def classify_lines(frame: pl.DataFrame, path: Path, file_date: dt.date, types: list[str]) -> pl.DataFrame:
    """``frame`` (with ``ts``, ``type``) plus ``reason``: null for a usable line, else why it is kept out."""
    lines = frame.with_columns(
        _date=pl.col("date").str.strip_chars().str.strptime(pl.Date, "%Y%m%d", strict=False),
    )
    reason = (
        pl.when(pl.col("ts").is_null())
        .then(pl.format("unreadable date/hour '{}'/'{}' (expected YYYYMMDD and 0-23)", "date", "hour"))
        .when(~pl.col("type").is_in(types))
        .then(pl.format("unknown type '{}' (known: {})", "type", pl.lit(", ".join(types))))
        .when(pl.col("_date") != pl.lit(file_date))
        .then(
            pl.format(
                "dated {} in a file named for {}: not loaded (a misnamed or mixed file)",
                "date",
                pl.lit(f"{file_date:%Y%m%d}"),
            )
        )
    )
    lines = lines.with_columns(reason=reason)
    usable = pl.col("reason").is_null()
    last = pl.col(ROW_COLUMN).filter(usable).max().over("ts", "type")
    superseded = usable & (pl.col(ROW_COLUMN) != last)
    return lines.with_columns(
        reason=pl.when(superseded)
        .then(
            pl.format(
                "superseded: row {} repeats {} at {} (the last delivery wins)",
                last,
                "type",
                pl.col("ts").dt.strftime("%Y-%m-%d %H:%M"),
            )
        )
        .otherwise("reason")
    ).drop("_date")


def rejected_lines(lines: pl.DataFrame, path: Path, codes: list[str]) -> pl.DataFrame:
    """The kept-out lines as (file, row_number, record, reasons): the record holds the key cells and the
    non-empty cells of the given station columns."""
    out = lines.filter(pl.col("reason").is_not_null())
    if not out.height:
        return pl.DataFrame(schema=LINE_SCHEMA)
    kept = [c for c in codes if out[c].drop_nulls().len()]
    cells = pl.struct(
        *KEY_COLUMNS,
        *[pl.when(~pl.col(c).str.strip_chars().is_in(MISSING_TOKENS)).then(pl.col(c)).alias(c) for c in kept],
    )
    return out.select(
        pl.lit(path.name).alias("file"),
        pl.col(ROW_COLUMN).cast(pl.Int64).alias("row_number"),
        cells.struct.json_encode().alias("record"),
        pl.col("reason").alias("reasons"),
    )


LINE_SCHEMA = {"file": pl.String, "row_number": pl.Int64, "record": pl.String, "reasons": pl.String}


def line_problems(lines: pl.DataFrame, path: Path, file_date: dt.date) -> list[dict]:
    """Problem lines: one per line kept out for its key or as superseded, one per file for lines of other dates."""
    out = lines.filter(pl.col("reason").is_not_null())
    other = out.filter(pl.col("reason").str.starts_with("dated "))
    found = []
    if other.height:
        dates = ", ".join(other["date"].unique().sort().head(5).to_list())
        found.append(
            {
                "file": str(path),
                "row": int(other[ROW_COLUMN].min()),
                "field": "date",
                "kind": "date_mismatch",
                "message": f"{other.height} of {lines.height} row(s) carry the date(s) {dates}, not the "
                f"{file_date:%Y%m%d} of the file's name: not loaded (in quarantine.rejected_rows)",
            }
        )
    kinds = {"unreadable": "bad_key", "unknown": "unknown_type", "superseded": "duplicate_line"}
    for row, field, why in (
        out.filter(~pl.col("reason").str.starts_with("dated "))
        .head(MAX_LISTED)
        .select(
            ROW_COLUMN,
            pl.when(pl.col("reason").str.starts_with("unreadable")).then(pl.lit("date/hour")).otherwise(pl.lit("type")),
            "reason",
        )
        .iter_rows()
    ):
        found.append(
            {
                "file": str(path),
                "row": row,
                "field": field,
                "kind": kinds[why.split(" ", 1)[0].rstrip(":")],
                "message": why,
            }
        )
    return found

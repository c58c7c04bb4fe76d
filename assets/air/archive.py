"""The national archive layout: one ``china_sites_YYYYMMDD.csv`` per day, rows ``date,hour,type,<station codes…>``.

``type`` is one of 15 (PM2.5, PM2.5_24h, …, AQI); a row holds one type for every station at one hour. The hour
label is the end of the averaging hour, so the natural day D (D 01:00 … D+1 00:00) takes hours 1-23 from the file
of D and hour 0 from the file of D+1 (when it exists yet). The 1-h concentrations become the tidy rows; the values
the platform computed itself (AQI, *_24h, O3_8h, O3_8h_24h) go to ``staging.air_hourly_published`` so that our
computations can be compared with them. Stations outside the catalog are out of the deployment's scope and are not
loaded (a national catalog loads them all); empty columns (decommissioned stations) are counted in the asset's
metadata, and the codes the catalog lacks are counted and listed (codes, hours) in a problem line
(``assets/air/unknown_stations.py``).

Nothing of the catalog's stations is dropped quietly: a cell that is not a finite number is NULL (flagged UNP
downstream) with its text in ``rejected_values`` while the rest of its station-hour stays; a line that cannot be
used (unreadable key, unknown type, another date than the file's name, superseded by a repeat) is in
``rejected_lines`` (``assets/air/archive_lines.py``); both are problem lines. A file's own run reports its lines; the
run of the day before reads only its hour 0.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

import polars as pl

from assets.air.archive_lines import (
    KEY_COLUMNS,
    LINE_SCHEMA,
    classify_lines,
    line_problems,
    normalise_codes,
    rejected_lines,
)
from assets.air.unknown_stations import unknown_stations_problem
from assets.ingest.files import (
    MISSING_TOKENS,
    ROW_COLUMN,
    BadFileError,
    as_number,
    read_tabular,
    require_columns,
    unparsable_reason,
)
from assets.ingest.symlinks import link_problem

FILE_NAME = "china_sites_{:%Y%m%d}.csv"
CONCENTRATIONS = {"PM2.5": "pm25", "PM10": "pm10", "SO2": "so2", "NO2": "no2", "O3": "o3", "CO": "co"}
PUBLISHED = {
    "AQI": "aqi",
    "PM2.5_24h": "pm25_24h",
    "PM10_24h": "pm10_24h",
    "SO2_24h": "so2_24h",
    "NO2_24h": "no2_24h",
    "O3_24h": "o3_24h",
    "O3_8h": "o3_8h",
    "O3_8h_24h": "o3_8h_24h",
    "CO_24h": "co_24h",
}
PUBLISHED_TABLE = "staging.air_hourly_published"
MAX_PROBLEMS = 1000  # problems kept as dicts (logs, metadata); the counts in the summary are complete
EXAMPLES = 10


@dataclass
class ArchiveDay:
    rows: pl.DataFrame  # tidy: station_code, ts, pm25, pm10, so2, no2, o3, co (catalog stations only)
    published: pl.DataFrame  # station_code, ts, aqi, pm25_24h, ... (catalog stations only)
    problems: list[dict]  # file, row, field, kind, message
    summary: dict
    # the natural day's unparsable cells of catalog stations: file, row_number, field, key, ts, parameter, original,
    # reason (parameter: pm25 ... co, or the published value's name such as aqi)
    rejected_values: pl.DataFrame = field(default_factory=lambda: pl.DataFrame(schema=VALUE_SCHEMA))
    rejected_lines: pl.DataFrame = field(default_factory=lambda: pl.DataFrame(schema=LINE_SCHEMA))  # the own file's
    files: list[Path] = field(default_factory=list)  # the files read (kept under raw/ by the ingest)
    unreadable: list[tuple[Path, str]] = field(default_factory=list)  # the next day's file, when it cannot be read


VALUE_SCHEMA = {
    "file": pl.String,
    "row_number": pl.Int64,
    "field": pl.String,
    "key": pl.String,
    "ts": pl.Datetime("us"),
    "parameter": pl.String,
    "original": pl.String,
    "reason": pl.String,
}


def archive_files(folder: Path, day: dt.date) -> tuple[Path, Path | None]:
    """The file of ``day`` (required) and of the next day (hour 0 of ``day``; None while not yet there)."""
    link = link_problem(folder)
    if link:
        raise BadFileError(folder, link)
    own = folder / FILE_NAME.format(day)
    if not own.is_file():
        raise BadFileError(own, f"no archive file for {day} in {folder} (expected {own.name})")
    following = folder / FILE_NAME.format(day + dt.timedelta(days=1))
    return own, following if following.is_file() else None


def read_archive_day(
    folder: Path | str, day: dt.date, known_codes: pl.Series, max_bytes: int | None = None
) -> ArchiveDay:
    """Read natural day ``day``: tidy rows, published values (catalog stations), problems and a summary.
    ``BadFileError`` when the day's own file cannot be used; an unreadable next-day file is reported instead."""
    own, following = archive_files(Path(folder), day)
    known = set(known_codes.to_list())
    problems: list[dict] = []
    summary = {"files": [own.name], "empty_columns": {}, "unparsable_cells": {}}
    parts = [_read_file(own, day, day, known, problems, max_bytes)]
    unreadable = []
    if following:
        try:  # its own run reports its problems: only its hour 0 is this day's
            parts.append(_read_file(following, day, day + dt.timedelta(days=1), known, [], max_bytes))
            summary["files"].append(following.name)
        except BadFileError as exc:
            unreadable.append((following, str(exc)))
            problems.append(
                {
                    "file": str(following),
                    "row": exc.row,
                    "field": exc.field,
                    "kind": "file_unreadable",
                    "message": f"next day's file unreadable, hour 24:00 not loaded: {exc.reason}",
                }
            )
    for part in parts:
        summary["empty_columns"][part.path.name] = {"count": len(part.empty), "examples": part.empty[:EXAMPLES]}
        summary["unparsable_cells"][part.path.name] = part.values.height
        problems += _unparsable_line(part, known_codes)
    cells = pl.concat([p.cells for p in parts])
    values = pl.concat([p.values for p in parts])
    wide = _by_station_hour(cells)
    measured = cells.filter(pl.col("type").is_in(list(CONCENTRATIONS))).select("station_code", "ts").unique()
    rows = wide.join(measured, on=["station_code", "ts"], how="semi")  # a cell, even an unparsable one
    rows = rows.select("station_code", "ts", *CONCENTRATIONS.values())
    known_expr = pl.col("station_code").is_in(known_codes.implode())
    published = wide.filter(known_expr & pl.any_horizontal(pl.col(list(PUBLISHED.values())).is_not_null()))
    unknown = rows.filter(~known_expr)["station_code"].unique().sort()
    unknown_line = unknown_stations_problem(cells.select("station_code", "ts"), known_codes, own, empty=parts[0].empty)
    problems[:0] = [unknown_line] if unknown_line else []  # first: MAX_PROBLEMS never cuts it
    summary.update(
        {
            "hours": cells["ts"].n_unique(),
            "next_day_file": following.name
            if following and not unreadable
            else ("unreadable: hour 24:00 not loaded" if unreadable else "missing: hour 24:00 not yet available"),
            "stations_not_in_catalog": unknown.len(),
            "stations_not_in_catalog_rows": rows.filter(~known_expr).height,
            "stations_not_in_catalog_examples": unknown.head(EXAMPLES).to_list(),
            "rejected_lines": parts[0].lines.height,
            "problems": len(problems),
        }
    )
    # A national file holds ~2,000 stations, the catalog the ones this deployment serves: the others are out of
    # scope, not bad rows. They are counted and listed (a problem line) and left out, instead of filling quarantine
    # with ~40,000 rows a day and failing the batch_usable check. Use a catalog that lists them to keep them.
    return ArchiveDay(
        rows.filter(known_expr),
        published.select("station_code", "ts", *PUBLISHED.values()),
        problems[:MAX_PROBLEMS],
        summary,
        values.filter(pl.col("key").is_in(known_codes.implode())),
        parts[0].lines,
        [p.path for p in parts],
        unreadable,
    )


def _unparsable_line(part: _FilePart, known_codes: pl.Series) -> list[dict]:
    """One problem line per file for the day's unparsable cells of catalog stations (each is a rejected value)."""
    cells = part.values.filter(pl.col("key").is_in(known_codes.implode()))
    if not cells.height:
        return []
    first = cells.row(0, named=True)
    return [
        {
            "file": str(part.path),
            "row": first["row_number"],
            "field": first["field"],
            "kind": "unparsable",
            "message": f"{cells.height} cell(s) of catalog stations could not be read as numbers (first: "
            f"{first['original']!r} of {first['field']}, {first['reason']}): NULL, flagged UNP, the text "
            "in quarantine.rejected_values; the rest of each row was loaded",
        }
    ]


@dataclass
class _FilePart:
    path: Path
    cells: pl.DataFrame  # the natural day's cells: row, ts, type, station_code, value (null: unparsable), file
    values: pl.DataFrame  # the natural day's unparsable cells (VALUE_SCHEMA)
    lines: pl.DataFrame  # the file's lines kept out (LINE_SCHEMA)
    empty: list[str]  # the file's empty columns


def _read_file(
    path: Path, day: dt.date, file_date: dt.date, known: set[str], problems: list[dict], max_bytes: int | None = None
) -> _FilePart:
    """One file's part of natural day ``day``, and (into ``problems``) what its reading met."""
    frame = read_tabular(path, problems, with_row_numbers=True, max_bytes=max_bytes)  # encodings, ragged rows...
    require_columns(frame, path, KEY_COLUMNS)
    if not frame.height:
        raise BadFileError(path, "header only: no data lines (expected date,hour,type,<station codes> lines)", row=2)
    frame = normalise_codes(frame, path, known, problems)
    codes = [c for c in frame.columns if c not in (*KEY_COLUMNS, ROW_COLUMN)]
    blank = frame.select(pl.col(codes).str.strip_chars().is_in(MISSING_TOKENS).fill_null(True).sum()).row(0)
    empty = [c for c, n in zip(codes, blank) if n == frame.height]  # e.g. decommissioned stations
    hour = pl.col("hour").str.strip_chars().cast(pl.Int32, strict=False)
    date = pl.col("date").str.strip_chars().str.strptime(pl.Date, "%Y%m%d", strict=False)
    frame = frame.with_columns(
        ts=pl.when(hour.is_between(0, 23)).then(date.cast(pl.Datetime("us")) + pl.duration(hours=hour)),
        type=pl.col("type").str.strip_chars(),
    )
    lines = classify_lines(frame, path, file_date, [*CONCENTRATIONS, *PUBLISHED])
    problems.extend(line_problems(lines, path, file_date))
    text = pl.col("text").str.strip_chars()
    cells = (
        lines.filter(
            pl.col("reason").is_null()
            & ((pl.col("ts") - pl.duration(hours=1)).dt.date() == day)  # 01:00 ... 24:00 of the natural day
        )
        .unpivot(
            index=[ROW_COLUMN, "ts", "type"],
            on=[c for c in codes if c not in empty],
            variable_name="station_code",
            value_name="text",
        )
        .filter(text.is_not_null() & ~text.is_in(MISSING_TOKENS))
        .with_columns(value=as_number(text))
    )
    names = {**CONCENTRATIONS, **PUBLISHED}
    values = cells.filter(pl.col("value").is_null()).select(
        pl.lit(path.name).alias("file"),
        pl.col(ROW_COLUMN).cast(pl.Int64).alias("row_number"),
        pl.col("station_code").alias("field"),
        pl.col("station_code").alias("key"),
        "ts",
        pl.col("type").replace_strict(names).alias("parameter"),
        pl.col("text").alias("original"),
        unparsable_reason(pl.col("text")).alias("reason"),
    )
    station_codes = [c for c in codes if c in known]
    return _FilePart(
        path,
        cells.drop("text").with_columns(pl.lit(path.name).alias("file")),
        values,
        rejected_lines(lines, path, station_codes),
        empty,
    )


def _by_station_hour(cells: pl.DataFrame) -> pl.DataFrame:
    """Long cells -> one row per station x hour with one column per type (superseded lines are already out)."""
    names = {**CONCENTRATIONS, **PUBLISHED}
    wide = (
        cells.sort(ROW_COLUMN)
        .with_columns(pl.col("type").replace_strict(names))
        .pivot(on="type", index=["station_code", "ts"], values="value", aggregate_function="last")
    )
    missing = [c for c in names.values() if c not in wide.columns]
    return wide.with_columns(pl.lit(None, pl.Float64).alias(c) for c in missing).sort("ts", "station_code")

"""The national archive layout: one ``china_sites_YYYYMMDD.csv`` per day, rows ``date,hour,type,<station codes…>``.

``type`` is one of 15 (PM2.5, PM2.5_24h, …, AQI); a row holds one type for every station at one hour. The hour
label is the end of the averaging hour, so the natural day D (D 01:00 … D+1 00:00) takes hours 1-23 from the file
of D and hour 0 from the file of D+1 (when it exists yet). The 1-h concentrations become the tidy rows; the values
the platform computed itself (AQI, *_24h, O3_8h, O3_8h_24h) go to ``staging.air_hourly_published`` so that our
computations can be compared with them. Empty columns (decommissioned stations), stations missing from the catalog
and unparsable cells are reported (counts and examples in the asset's metadata), never silently dropped; stations
outside the catalog are out of the deployment's scope and are not loaded (a national catalog loads them all).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

import polars as pl

from assets.ingest.files import MISSING_TOKENS, ROW_COLUMN, BadFileError, read_tabular, require_columns
from assets.ingest.symlinks import link_problem

FILE_NAME = "china_sites_{:%Y%m%d}.csv"
KEY_COLUMNS = ("date", "hour", "type")
CONCENTRATIONS = {"PM2.5": "pm25", "PM10": "pm10", "SO2": "so2", "NO2": "no2", "O3": "o3", "CO": "co"}
PUBLISHED = {
    "AQI": "aqi", "PM2.5_24h": "pm25_24h", "PM10_24h": "pm10_24h", "SO2_24h": "so2_24h", "NO2_24h": "no2_24h",
    "O3_24h": "o3_24h", "O3_8h": "o3_8h", "O3_8h_24h": "o3_8h_24h", "CO_24h": "co_24h",
}
PUBLISHED_TABLE = "staging.air_hourly_published"
MAX_PROBLEMS = 1000  # problems kept as dicts (logs, metadata); the counts in the summary are complete
EXAMPLES = 10


@dataclass
class ArchiveDay:
    rows: pl.DataFrame  # tidy: station_code, ts, pm25, pm10, so2, no2, o3, co (catalog stations only)
    published: pl.DataFrame  # station_code, ts, aqi, pm25_24h, ... (catalog stations only)
    problems: list[dict]  # file, row, field, message
    summary: dict


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


def read_archive_day(folder: Path | str, day: dt.date, known_codes: pl.Series) -> ArchiveDay:
    """Read natural day ``day``: tidy rows, published values (catalog stations), problems and a summary."""
    own, following = archive_files(Path(folder), day)
    problems: list[dict] = []
    parts, summary = [], {"files": [own.name] + ([following.name] if following else []), "empty_columns": {}, "unparsable_cells": {}}
    for path in (own, following) if following else (own,):
        cells, empty, unparsable = _read_cells(path, day, problems)
        parts.append(cells)
        summary["empty_columns"][path.name] = {"count": len(empty), "examples": empty[:EXAMPLES]}
        summary["unparsable_cells"][path.name] = unparsable
    cells = pl.concat(parts)
    wide = _by_station_hour(cells)
    rows = wide.filter(pl.any_horizontal(pl.col(list(CONCENTRATIONS.values())).is_not_null()))
    rows = rows.select("station_code", "ts", *CONCENTRATIONS.values())
    known = pl.col("station_code").is_in(known_codes.implode())
    published = wide.filter(known & pl.any_horizontal(pl.col(list(PUBLISHED.values())).is_not_null()))
    unknown = rows.filter(~known)["station_code"].unique().sort()
    summary.update(
        {
            "hours": cells["ts"].n_unique(),
            "next_day_file": following.name if following else "missing: hour 24:00 not yet available",
            "stations_not_in_catalog": unknown.len(),
            "stations_not_in_catalog_rows": rows.filter(~known).height,
            "stations_not_in_catalog_examples": unknown.head(EXAMPLES).to_list(),
            "problems": len(problems),
        }
    )
    # A national file holds ~2,000 stations, the catalog the ones this deployment serves: the others are out of
    # scope, not bad rows. They are counted above (metadata) and left out, instead of filling quarantine with
    # ~40,000 rows a day and failing the batch_usable check. Use a catalog that lists them to keep them.
    return ArchiveDay(
        rows.filter(known), published.select("station_code", "ts", *PUBLISHED.values()), problems[:MAX_PROBLEMS], summary
    )


def _read_cells(path: Path, day: dt.date, problems: list[dict]) -> tuple[pl.DataFrame, list[str], int]:
    """The file's cells of natural day ``day`` as (station_code, ts, type, value, row): (cells, the file's empty
    columns, unparsable cells among the day's)."""
    frame = read_tabular(path, problems, with_row_numbers=True)  # encodings, ragged rows, unnamed columns
    require_columns(frame, path, KEY_COLUMNS)
    codes = [c for c in frame.columns if c not in (*KEY_COLUMNS, ROW_COLUMN)]
    blank = frame.select(pl.col(codes).str.strip_chars().is_in(MISSING_TOKENS).fill_null(True).sum()).row(0)
    empty = [c for c, n in zip(codes, blank) if n == frame.height]  # e.g. decommissioned stations
    hour = pl.col("hour").str.strip_chars().cast(pl.Int32, strict=False)
    date = pl.col("date").str.strip_chars().str.strptime(pl.Date, "%Y%m%d", strict=False)
    frame = frame.with_columns(
        ts=pl.when(hour.is_between(0, 23)).then(date.cast(pl.Datetime("us")) + pl.duration(hours=hour)),
        type=pl.col("type").str.strip_chars(),
    )
    _report_bad_keys(frame, path, problems)
    text = pl.col("text").str.strip_chars()
    cells = (
        frame.filter(
            pl.col("type").is_in([*CONCENTRATIONS, *PUBLISHED])
            & ((pl.col("ts") - pl.duration(hours=1)).dt.date() == day)  # 01:00 ... 24:00 of the natural day
        )
        .unpivot(index=[ROW_COLUMN, "ts", "type"], on=[c for c in codes if c not in empty],
                 variable_name="station_code", value_name="text")
        .filter(text.is_not_null() & ~text.is_in(MISSING_TOKENS))
        .with_columns(value=text.cast(pl.Float64, strict=False))
    )
    bad = cells.filter(pl.col("value").is_null())
    problems.extend(
        bad.head(MAX_PROBLEMS).select(
            pl.lit(str(path)).alias("file"), pl.col(ROW_COLUMN).alias("row"), pl.col("station_code").alias("field"),
            pl.format("not a number: '{}' ({} of station {})", "text", "type", "station_code").alias("message"),
        ).to_dicts()
    )
    cells = cells.filter(pl.col("value").is_not_null()).drop("text")
    return cells.with_columns(pl.lit(path.name).alias("file")), empty, bad.height


def _report_bad_keys(numbers: pl.DataFrame, path: Path, problems: list[dict]) -> None:
    """Rows whose date/hour cannot be read, or whose type is unknown, are reported (and not used)."""
    known_types = [*CONCENTRATIONS, *PUBLISHED]
    bad_time = numbers.filter(pl.col("ts").is_null()).select(ROW_COLUMN, "date", "hour")
    for row, date, hour in bad_time.head(MAX_PROBLEMS).iter_rows():
        problems.append({"file": str(path), "row": row, "field": "date/hour",
                         "message": f"unreadable date/hour {date!r}/{hour!r} (expected YYYYMMDD and 0-23): row skipped"})
    bad_type = numbers.filter(~pl.col("type").is_in(known_types)).select(ROW_COLUMN, "type")
    for row, kind in bad_type.head(MAX_PROBLEMS).iter_rows():
        problems.append({"file": str(path), "row": row, "field": "type",
                         "message": f"unknown type {kind!r} (known: {', '.join(known_types)}): row skipped"})
    dupes = numbers.filter(pl.struct("ts", "type").is_duplicated() & pl.col("ts").is_not_null())
    for row, ts, kind in dupes.select(ROW_COLUMN, "ts", "type").head(MAX_PROBLEMS).iter_rows():
        problems.append({"file": str(path), "row": row, "field": "type",
                         "message": f"{kind} at {ts} appears more than once: the last row wins"})


def _by_station_hour(cells: pl.DataFrame) -> pl.DataFrame:
    """Long cells -> one row per station x hour with one column per type (the last value wins on repeats)."""
    names = {**CONCENTRATIONS, **PUBLISHED}
    wide = (
        cells.sort(ROW_COLUMN)
        .with_columns(pl.col("type").replace_strict(names))
        .pivot(on="type", index=["station_code", "ts"], values="value", aggregate_function="last")
    )
    missing = [c for c in names.values() if c not in wide.columns]
    return wide.with_columns(pl.lit(None, pl.Float64).alias(c) for c in missing).sort("ts", "station_code")

"""Times written as Excel serial numbers (``46035.333333`` for 2026-01-13 08:00).

A time cell that lost its date format in an export comes as Excel's serial number: days since 1899-12-30 in the
1900 date system, which every Windows Excel uses (the 1904 system of old Mac workbooks applies to cells styled as
dates, which the XLSX reader converts with the workbook's own system; an unformatted number carries no system, and
is read in the 1900 one). Excel's 1900 leap-year bug (its fictitious 1900-02-29, serial 60) only shifts serials
below 61, far before any reading, hence outside the range read here.

Read: serials of 1990-01-01 .. 2099-12-31, rounded to the minute (a reading is labelled with its minute; six
decimals of a day are 0.09 s). Any other number in a time column is no time: the row stays unusable, as any
unreadable time, and both cases get a problem line (kind ``excel_serial_time``) naming the rows.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import polars as pl

EPOCH_1900 = dt.datetime(1899, 12, 30)  # serial 0 in Excel's 1900 system, for serials from 61 (1900-03-01) on
FIRST, END = 32874, 73051  # 1990-01-01 and 2100-01-01 as serials
NUMBER = r"^\d+(\.\d+)?$"


def serial_number(text: pl.Expr) -> pl.Expr:
    """The text as a number when it is one (digits, one decimal point), else null."""
    clean = text.str.strip_chars()
    return pl.when(clean.str.contains(NUMBER)).then(clean.cast(pl.Float64, strict=False))


def serial_datetime(text: pl.Expr) -> pl.Expr:
    """Datetime of a serial number in the read range (to the minute); null otherwise."""
    number = serial_number(text)
    minutes = (number * 1440).round(0).cast(pl.Int64)
    return pl.when(number.is_between(FIRST, END, closed="left")).then(pl.lit(EPOCH_1900) + pl.duration(minutes=minutes))


def serial_problems(frame: pl.DataFrame, path: Path | str, time: str = "time", ts: str = "ts") -> list[dict]:
    """Problem lines for the rows whose time was a number: those read as Excel serials, and those that were not
    (out of range). ``frame`` holds ``row_number``, the original ``time`` text and the parsed ``ts``."""
    numeric = frame.filter(serial_number(pl.col(time)).is_not_null())
    found = []
    for read, rows in ((True, numeric.filter(pl.col(ts).is_not_null())), (False, numeric.filter(pl.col(ts).is_null()))):
        if not rows.height:
            continue
        first = rows.row(0, named=True)
        numbers = ", ".join(str(n) for n in rows["row_number"].head(10).to_list())
        more = f" and {rows.height - 10} more" if rows.height > 10 else ""
        message = (
            f"{rows.height} time(s) written as Excel serial numbers, read as dates in Excel's 1900 date system "
            f"(row {first['row_number']}: {first[time]} -> {first[ts]:%Y-%m-%d %H:%M}); rows {numbers}{more}: "
            "check them, and export the time column with a date format"
            if read
            else f"{rows.height} time(s) are numbers outside the Excel serial dates of 1990-2099 (row "
            f"{first['row_number']}: {first[time]}): not read, rows unusable; rows {numbers}{more}"
        )
        found.append(
            {
                "file": str(path),
                "row": int(first["row_number"]),
                "field": time,
                "kind": "excel_serial_time",
                "message": message,
            }
        )
    return found

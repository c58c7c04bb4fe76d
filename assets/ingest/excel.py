"""XLSX files as frames of strings (openpyxl, read-only streaming mode), for ``assets.ingest.files``.

Monitoring-centre exports put a title or blank rows above the header now and then: the header is the first row
with at least two cells. Excel stores numbers as floats, so 12 comes back as "12" and 12.5 as "12.5".
"""

from __future__ import annotations

import datetime as dt
import zipfile
from pathlib import Path

import polars as pl


def read_excel_strings(path: Path, problems: list[dict]) -> pl.DataFrame:
    from assets.ingest.files import ROW_COLUMN, BadFileError, check_header

    import openpyxl

    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except (zipfile.BadZipFile, OSError, KeyError, ValueError) as exc:
        raise BadFileError(path, f"not a readable XLSX workbook ({type(exc).__name__})") from None
    try:
        sheet = book.worksheets[0]
        header: list[str] | None = None
        rows: list[list[str | None]] = []
        row_numbers: list[int] = []
        # Row by row is what openpyxl offers; an Excel sheet is bounded (about one million rows).
        for number, values in enumerate(sheet.iter_rows(values_only=True), start=1):
            cells = [_text(v) for v in values]
            if header is None:
                if sum(c is not None for c in cells) >= 2:  # a title row has one cell
                    header = [c or "" for c in _trim(cells)]
                    check_header(path, header)
                continue
            width = len(header)
            extra = [c for c in cells[width:] if c is not None]
            if extra:
                problems.append({"file": str(path), "row": number, "field": None,
                                 "message": f"ragged row: {width + len(extra)} cells where the header has {width} "
                                            f"(cells after the {width}th dropped)"})
            rows.append((cells + [None] * width)[:width])
            row_numbers.append(number)
    finally:
        book.close()
    if header is None:
        raise BadFileError(path, "empty workbook (no header)")
    frame = pl.DataFrame(rows, schema={h: pl.String for h in header}, orient="row")
    return frame.with_columns(pl.Series(ROW_COLUMN, row_numbers, dtype=pl.Int64))


def _trim(cells: list[str | None]) -> list[str | None]:
    while cells and cells[-1] is None:
        cells = cells[:-1]
    return cells


def _text(value: object) -> str | None:
    if value is None:
        return None
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, (dt.datetime, dt.date)):
        return value.isoformat(sep=" ") if isinstance(value, dt.datetime) else value.isoformat()
    text = str(value).strip()
    return text or None

"""XLSX files as frames of strings (openpyxl, read-only streaming mode), for ``assets.ingest.files``.

Monitoring-centre exports put a title or blank rows above the header now and then: the header is the first row
with at least two cells. Excel stores numbers as floats, so 12 comes back as "12" and 12.5 as "12.5".

Nothing is dropped quietly:
- a formula cell is read from the value Excel cached when it saved the file; a file written by a program that does
  not compute formulas has none, and the cell's text is then the formula itself (``=B2*1.1``), which the parsers
  report as unparsable ("formula without a cached value"), with a problem line per sheet;
- only the first sheet is read; any other sheet that holds data gets a problem line naming it.
"""

from __future__ import annotations

import datetime as dt
import zipfile
from pathlib import Path

import polars as pl


def read_excel_strings(path: Path, problems: list[dict]) -> pl.DataFrame:
    import openpyxl

    from assets.ingest.files import ROW_COLUMN, BadFileError, check_header

    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
        formulas = openpyxl.load_workbook(path, read_only=True, data_only=False)
    except (zipfile.BadZipFile, OSError, KeyError, ValueError) as exc:
        raise BadFileError(path, f"not a readable XLSX workbook ({type(exc).__name__})") from None
    try:
        sheet = book.worksheets[0]
        header: list[str] | None = None
        rows: list[list[str | None]] = []
        row_numbers: list[int] = []
        uncached: list[str] = []  # cells (A1 style) whose formula has no cached value
        # Row by row is what openpyxl offers; an Excel sheet is bounded (about one million rows).
        pairs = zip(sheet.iter_rows(values_only=True), formulas.worksheets[0].iter_rows(values_only=True))
        for number, (values, written) in enumerate(pairs, start=1):
            cells = [
                _text(v) if v is not None else _formula(w, number, i, uncached)
                for i, (v, w) in enumerate(zip(values, written))
            ]
            if header is None:
                if sum(c is not None for c in cells) >= 2:  # a title row has one cell
                    header = [c or "" for c in _trim(cells)]
                    check_header(path, header)
                continue
            width = len(header)
            extra = [c for c in cells[width:] if c is not None]
            if extra:
                problems.append(
                    {
                        "file": str(path),
                        "row": number,
                        "field": None,
                        "kind": "ragged_row",
                        "message": f"ragged row: {width + len(extra)} cells where the header has {width} "
                        f"(cells after the {width}th dropped)",
                    }
                )
            rows.append((cells + [None] * width)[:width])
            row_numbers.append(number)
        if uncached:
            problems.append(
                {
                    "file": str(path),
                    "row": None,
                    "field": ", ".join(uncached[:10]),
                    "kind": "xlsx_formula",
                    "message": f"{len(uncached)} formula cell(s) without a cached value on sheet "
                    f"{sheet.title!r} ({', '.join(uncached[:10])}): the program that wrote the file "
                    "did not compute them; open and save the file in Excel, or send the values",
                }
            )
        problems.extend(_other_sheets(path, book))
    finally:
        book.close()
        formulas.close()
    if header is None:
        raise BadFileError(path, "empty workbook (no header)")
    frame = pl.DataFrame(rows, schema={h: pl.String for h in header}, orient="row")
    return frame.with_columns(pl.Series(ROW_COLUMN, row_numbers, dtype=pl.Int64))


def _formula(written: object, row: int, column: int, uncached: list[str]) -> str | None:
    """An empty cell, or a formula whose value was never cached: then its text (the parsers report it)."""
    if isinstance(written, str) and written.startswith("="):
        from openpyxl.utils import get_column_letter

        uncached.append(f"{get_column_letter(column + 1)}{row}")
        return written
    return None


def _other_sheets(path: Path, book) -> list[dict]:
    """A problem line for each sheet after the first that holds data (a row of at least two cells)."""
    found = []
    for sheet in book.worksheets[1:]:
        filled = sum(1 for values in sheet.iter_rows(values_only=True) if sum(v is not None for v in values) >= 2)
        if filled:
            found.append(
                {
                    "file": str(path),
                    "row": None,
                    "field": sheet.title,
                    "kind": "extra_sheet",
                    "message": f"sheet {sheet.title!r} holds {filled} row(s) of data and was not read: only the "
                    "first sheet is; send each sheet as a file of its own (or move the rows)",
                }
            )
    return found


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

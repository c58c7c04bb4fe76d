"""XLSX files as frames of strings (one streaming pass within the input limits: ``assets.ingest.xlsx_stream``),
for ``assets.ingest.files``.

Monitoring-centre exports put a title or blank rows above the header now and then: the header is the first row
with at least two cells. Excel stores numbers as floats, so 12 comes back as "12" and 12.5 as "12.5".

Nothing is dropped quietly:
- a formula cell is read from the value Excel cached when it saved the file; a file written by a program that does
  not compute formulas has none, and the cell's text is then the formula itself (``=B2*1.1``), which the parsers
  report as unparsable ("formula without a cached value"), with a problem line per sheet;
- only the first sheet is read; any other sheet that holds data gets a problem line naming it.
"""

from __future__ import annotations

import zipfile
from pathlib import Path
from xml.etree.ElementTree import ParseError

import polars as pl

from assets.ingest.errors import BadFileError
from assets.ingest.header import ROW_COLUMN, check_header
from assets.ingest.limits import InputLimits
from assets.ingest.xlsx_stream import Workbook, XlsxLimitError, iter_rows, open_workbook


def read_excel_strings(path: Path, problems: list[dict], limits: InputLimits | None = None) -> pl.DataFrame:
    limits = limits or InputLimits.from_env()
    try:
        book = open_workbook(path, limits)
    except XlsxLimitError as exc:
        raise BadFileError(path, exc.reason, exc.row, exc.field) from None
    except (zipfile.BadZipFile, OSError, KeyError, ValueError, ParseError, IndexError) as exc:
        raise BadFileError(path, f"not a readable XLSX workbook ({type(exc).__name__})") from None
    try:
        title, part = book.sheets[0]
        header: list[str] | None = None
        rows: list[list[str | None]] = []
        row_numbers: list[int] = []
        uncached: list[str] = []  # cells (A1 style) whose formula has no cached value
        previous = 0
        for number, found in iter_rows(book, part):
            cells = _cells(found, number, uncached)
            if header is None:
                if sum(c is not None for c in cells) >= 2:  # a title row has one cell
                    header = [c or "" for c in _trim(cells)]
                    check_header(path, header)
                previous = number
                continue
            width = len(header)
            for blank in range(previous + 1, number):  # rows without cells: blank rows, as openpyxl gave them
                rows.append([None] * width)
                row_numbers.append(blank)
            previous = number
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
                    f"{title!r} ({', '.join(uncached[:10])}): the program that wrote the file "
                    "did not compute them; open and save the file in Excel, or send the values",
                }
            )
        problems.extend(_other_sheets(path, book))
    except XlsxLimitError as exc:
        raise BadFileError(path, exc.reason, exc.row, exc.field) from None
    except (zipfile.BadZipFile, OSError, EOFError, ValueError, ParseError, IndexError, KeyError) as exc:
        raise BadFileError(path, f"not a readable XLSX workbook ({type(exc).__name__}: {exc})") from None
    finally:
        book.close()
    if header is None:
        raise BadFileError(path, "empty workbook (no header)")
    frame = pl.DataFrame(rows, schema={h: pl.String for h in header}, orient="row")
    return frame.with_columns(pl.Series(ROW_COLUMN, row_numbers, dtype=pl.Int64))


def _cells(found, row: int, uncached: list[str]) -> list[str | None]:
    """The row's cells by position (empty ones None); formulas without a cached value noted (A1 style)."""
    if not found:
        return []
    cells: list[str | None] = [None] * (found[-1].column + 1)
    for cell in found:
        cells[cell.column] = cell.text
        if cell.uncached_formula:
            from openpyxl.utils import get_column_letter

            uncached.append(f"{get_column_letter(cell.column + 1)}{row}")
    return cells


def _other_sheets(path: Path, book: Workbook) -> list[dict]:
    """A problem line for each sheet after the first that holds data (a row of at least two cells)."""
    found = []
    for title, part in book.sheets[1:]:
        filled = sum(1 for _, cells in iter_rows(book, part) if len(cells) >= 2)
        if filled:
            found.append(
                {
                    "file": str(path),
                    "row": None,
                    "field": title,
                    "kind": "extra_sheet",
                    "message": f"sheet {title!r} holds {filled} row(s) of data and was not read: only the "
                    "first sheet is; send each sheet as a file of its own (or move the rows)",
                }
            )
    return found


def _trim(cells: list[str | None]) -> list[str | None]:
    while cells and cells[-1] is None:
        cells = cells[:-1]
    return cells

"""An XLSX sheet read in one streaming pass, within the input limits (``assets.ingest.limits``).

An XLSX is a zip of XML parts. openpyxl's read-only mode streams too, but gives either the cached values or the
formulas of a sheet, not both, so the sheet had to be read twice, and it cannot be stopped at a byte count. This
reads the parts with the standard library's expat (``iterparse``, elements cleared as they are used), counting the
inflated bytes as they stream: a part that inflates past ``ENVMON_MAX_XLSX_UNPACKED_MB`` stops the read there,
whatever the zip declared. The declared sizes are checked first, so an honest bomb is refused before any inflating.
A DOCTYPE (entities: the XML bomb) has no place in a spreadsheet part and is refused.

Each cell comes back as text the way openpyxl's ``data_only`` reading would give it: the cached value of a formula,
a number styled as a date as the date (the workbook's 1900 or 1904 date system), a whole float as an integer; a
formula without a cached value as its own text (``=B2*1.1``), flagged, for the caller to report.
"""

from __future__ import annotations

import datetime as dt
import posixpath
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from xml.etree.ElementTree import ParseError, iterparse

from assets.ingest.limits import InputLimits, too_big_unpacked, too_many_columns, too_many_rows

REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"
PROLOG_BYTES = 4096
ROOT_START = re.compile(rb"<[A-Za-z_]")  # the root element's start tag: the prolog (<?xml, <!--, <!DOCTYPE) ends there


class XlsxLimitError(ValueError):
    """Over a limit; ``row``/``field`` where it was seen (``excel.py`` turns it into ``BadFileError``)."""

    def __init__(self, reason: str, row: int | None = None, field: str | None = None):
        super().__init__(reason)
        self.reason, self.row, self.field = reason, row, field


@dataclass
class Cell:
    column: int  # 0-based
    text: str | None
    uncached_formula: bool = False


@dataclass
class Workbook:
    zf: zipfile.ZipFile
    limits: InputLimits
    sheets: list[tuple[str, str]]  # (title, part name), in the workbook's order
    epoch: dt.datetime
    shared: list[str] = field(default_factory=list)
    date_styles: dict[int, str] = field(default_factory=dict)  # style index -> "date" | "timedelta"
    inflated: int = 0

    def close(self) -> None:
        self.zf.close()


def open_workbook(path: Path, limits: InputLimits) -> Workbook:
    """Check the declared sizes, then read the workbook, its shared strings and date styles (``XlsxLimitError``
    over a limit; ``zipfile.BadZipFile``/``KeyError``/``ParseError`` for a file that is no XLSX)."""
    zf = zipfile.ZipFile(path)
    try:
        declared = sum(info.file_size for info in zf.infolist())
        if declared > limits.max_unpacked_bytes:
            raise XlsxLimitError(too_big_unpacked(limits, declared, "a declared"))
        book = Workbook(zf, limits, [], dt.datetime(1899, 12, 30))
        book.sheets, date1904 = _sheets(book)
        if date1904:
            book.epoch = dt.datetime(1904, 1, 1)
        book.shared = _shared_strings(book)
        book.date_styles = _date_styles(book)
        return book
    except BaseException:
        zf.close()
        raise


def iter_rows(book: Workbook, part: str) -> Iterator[tuple[int, list[Cell]]]:
    """(row number, its non-empty cells) in sheet order; raises ``XlsxLimitError`` at the row or column over a
    limit, or when the inflated bytes pass the limit."""
    limits, row_number, parent, tags = book.limits, 0, None, None
    cells: list[Cell] = []
    for event, elem in _parse(book, part):
        if tags is None:  # the root: its namespace (transitional or strict OOXML) names every tag
            tags = _Tags(elem.tag[: elem.tag.index("}") + 1] if elem.tag.startswith("{") else "")
        tag = elem.tag
        if event == "start":
            if tag == tags.row:
                row_number = int(elem.get("r") or row_number + 1)
                if row_number > limits.max_rows:
                    raise XlsxLimitError(too_many_rows(limits), row=row_number)
                cells = []
            elif tag == tags.sheet_data:
                parent = elem
        elif tag == tags.c:
            column = _column(elem.get("r"), cells[-1].column + 1 if cells else 0)
            if column >= limits.max_columns:
                raise XlsxLimitError(too_many_columns(limits, f"a cell in column {column + 1:,}"), row_number)
            cell = _cell(book, elem, column, tags)
            if cell.text is not None:
                cells.append(cell)
        elif tag == tags.row:
            yield row_number, cells
            if parent is not None:
                parent.clear()  # the rows read so far: memory stays that of one row


class _Tags:
    """The sheet's tags with their namespace, compared as whole strings (the per-element cost of the read)."""

    def __init__(self, ns: str):
        self.row, self.sheet_data, self.c = f"{ns}row", f"{ns}sheetData", f"{ns}c"
        self.v, self.f, self.inline, self.t = f"{ns}v", f"{ns}f", f"{ns}is", f"{ns}t"


def _parse(book: Workbook, part: str):
    with book.zf.open(part) as raw:
        stream = _Counted(raw, book)
        head = stream.peek_prolog()
        if b"<!DOCTYPE" in head or b"<!ENTITY" in head:
            raise XlsxLimitError(f"part {part} declares a DOCTYPE or entities: not a spreadsheet export")
        try:
            yield from iterparse(stream, events=("start", "end"))
        except ParseError as exc:
            raise ValueError(f"part {part} is not well-formed XML ({exc})") from None


class _Counted:
    """A zip member's stream that counts the inflated bytes of the whole workbook and stops past the limit."""

    def __init__(self, raw, book: Workbook):
        self.raw, self.book, self.buffer = raw, book, b""

    def peek_prolog(self) -> bytes:
        """The bytes before the root element (where a DOCTYPE would be), read ahead and kept for the parser."""
        while not (root := ROOT_START.search(self.buffer)):
            chunk = self._take(self.raw.read(PROLOG_BYTES))
            if not chunk:
                return self.buffer
            self.buffer += chunk
        return self.buffer[: root.start()]

    def read(self, size: int = -1) -> bytes:
        if self.buffer:
            out, self.buffer = self.buffer, b""
            return out
        return self._take(self.raw.read(1 << 16 if size is None or size < 0 else size))

    def _take(self, data: bytes) -> bytes:
        self.book.inflated += len(data)
        if self.book.inflated > self.book.limits.max_unpacked_bytes:
            raise XlsxLimitError(too_big_unpacked(self.book.limits, self.book.inflated, "more than"))
        return data


def _sheets(book: Workbook) -> tuple[list[tuple[str, str]], bool]:
    rels = {}
    for event, elem in _parse(book, "xl/_rels/workbook.xml.rels"):
        if event == "start" and _local(elem.tag) == "Relationship":
            target = elem.get("Target", "")
            rels[elem.get("Id")] = target.lstrip("/") if target.startswith("/") else posixpath.join("xl", target)
    sheets, date1904 = [], False
    for event, elem in _parse(book, "xl/workbook.xml"):
        if event != "start":
            continue
        tag = _local(elem.tag)
        if tag == "sheet" and elem.get(REL) in rels:
            sheets.append((elem.get("name", ""), posixpath.normpath(rels[elem.get(REL)])))
        elif tag == "workbookPr":
            date1904 = elem.get("date1904") in ("1", "true")
    if not sheets:
        raise KeyError("no worksheet")
    return sheets, date1904


def _shared_strings(book: Workbook) -> list[str]:
    if "xl/sharedStrings.xml" not in book.zf.namelist():
        return []
    strings, parts, phonetic = [], [], 0
    for event, elem in _parse(book, "xl/sharedStrings.xml"):
        tag = _local(elem.tag)
        if tag == "rPh":  # phonetic guides are not the cell's text
            phonetic += 1 if event == "start" else -1
        elif event == "end" and tag == "t" and not phonetic:
            parts.append(elem.text or "")
        elif event == "end" and tag == "si":
            strings.append("".join(parts))
            parts = []
            elem.clear()
    return strings


def _date_styles(book: Workbook) -> dict[int, str]:
    from openpyxl.styles.numbers import BUILTIN_FORMATS, is_date_format, is_timedelta_format

    if "xl/styles.xml" not in book.zf.namelist():
        return {}
    formats, styles, in_xfs = dict(BUILTIN_FORMATS), {}, False
    index = 0
    for event, elem in _parse(book, "xl/styles.xml"):
        tag = _local(elem.tag)
        if tag == "numFmt" and event == "end":
            formats[int(elem.get("numFmtId", "0"))] = elem.get("formatCode", "")
        elif tag == "cellXfs":
            in_xfs = event == "start"
        elif tag == "xf" and in_xfs and event == "start":
            code = formats.get(int(elem.get("numFmtId", "0")), "")
            if code and is_date_format(code):
                styles[index] = "timedelta" if is_timedelta_format(code) else "date"
            index += 1
    return styles


def _cell(book: Workbook, elem, column: int, tags: _Tags) -> Cell:
    kind, value, formula, inline = elem.get("t", "n"), None, None, []
    for child in elem:
        tag = child.tag
        if tag == tags.v:
            value = child.text
        elif tag == tags.f:
            formula = child.text or ""
        elif tag == tags.inline:
            inline = [t.text or "" for t in child.iter(tags.t)]
    if value is None and formula is not None:
        return Cell(column, "=" + formula if formula else "=(shared formula)", uncached_formula=True)
    if kind == "inlineStr":
        return Cell(column, _strip("".join(inline)))
    if value is None:
        return Cell(column, None)
    if kind == "s":
        return Cell(column, _strip(book.shared[int(value)]))
    if kind == "b":
        return Cell(column, "True" if value.strip() in ("1", "true") else "False")
    if kind in ("str", "e"):
        return Cell(column, _strip(value))
    if kind == "d":
        return Cell(column, _date_text(dt.datetime.fromisoformat(value.strip())))
    return Cell(column, _number_text(book, value.strip(), int(elem.get("s", "0"))))


def _number_text(book: Workbook, value: str, style: int) -> str | None:
    number = float(value) if any(c in value for c in ".eE") else int(value)
    kind = book.date_styles.get(style)
    if kind:
        from openpyxl.utils.datetime import from_excel

        try:
            when = from_excel(number, book.epoch, timedelta=kind == "timedelta")
        except (OverflowError, ValueError):
            return value  # a date out of range: the number itself, reported by the parsers
        return str(when) if kind == "timedelta" else _date_text(when)
    if isinstance(number, float) and number.is_integer():
        return str(int(number))
    return str(number)


def _date_text(value) -> str:
    if isinstance(value, dt.datetime):
        return value.isoformat(sep=" ")
    return value.isoformat()


def _strip(text: str) -> str | None:
    return text.strip() or None


_COLUMNS: dict[str, int] = {}  # "AB" -> 27: a sheet has few distinct column letters


def _column(reference: str | None, following: int) -> int:
    """0-based column of ``B7`` (or the next one when a cell has no reference)."""
    if not reference:
        return following
    letters = reference.rstrip("0123456789").upper()
    index = _COLUMNS.get(letters)
    if index is None:
        index = 0
        for letter in letters:
            index = index * 26 + ord(letter) - 64
        index -= 1
        if len(_COLUMNS) < 20_000:
            _COLUMNS[letters] = index
    return index


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]

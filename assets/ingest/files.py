"""Robust reading of the files every file source delivers (national archive CSVs, monitoring-centre exports).

Real files arrive empty, in GBK instead of UTF-8 (with or without BOM), with rows cut short or too long, with
"—", "-", "-;", "NA" or "*" where a value is missing, sometimes huge. This module reads them all the same way:

- ``read_tabular(path)`` -> every column as a string; a file that cannot be read at all raises ``BadFileError``
  (empty, binary or unknown encoding, no header, too large); ragged or truncated rows are reported with their row
  numbers and kept (missing fields null, extra fields dropped) so that nothing is silently lost;
- ``parse_numbers(frame, columns)`` -> numbers, plus one problem (file, row, field, value, reason) per unparsable
  cell: not a number, or not a finite one (``inf``, ``nan``, an overflow such as ``1e999``: never stored as a value);
- ``reject_file(path, rejected_dir, reason)`` moves a file that cannot be read to ``<data>/rejected/`` with a
  ``<name>.reason.txt`` beside it, so the other files of the batch go on.

Row numbers are those a person sees in an editor or Excel: the header is row 1 of a CSV.
Large files are parsed by Polars' native reader (GBK is transcoded in 1 MiB chunks to a temporary UTF-8 file),
never read into Python strings line by line.
"""

from __future__ import annotations

import csv
import filecmp
import shutil
import tempfile
from dataclasses import replace
from pathlib import Path

import polars as pl

from assets.clock import now_cst
from assets.ingest import csv_lines
from assets.ingest.encoding import detect_encoding, utf8_copy
from assets.ingest.errors import BadFileError
from assets.ingest.header import ROW_COLUMN, check_header
from assets.ingest.limits import InputLimits, too_many_columns, too_many_rows
from assets.ingest.symlinks import link_problem

# "NaN"/"nan" are not among them: a program that writes NaN had a computation fail, and that is reported (unparsable)
MISSING_TOKENS = ("", "—", "——", "-", "--", "-;", "NA", "N/A", "null", "NULL", "*", "/")
DEFAULT_MAX_MB = 1024  # ENVMON_MAX_FILE_MB: a bigger file is refused before anything is read
EXCEL_SUFFIXES = {".xlsx", ".xlsm"}


def read_tabular(
    path: Path | str,
    problems: list[dict] | None = None,
    *,
    with_row_numbers: bool = False,
    max_bytes: int | None = None,
    limits: InputLimits | None = None,
) -> pl.DataFrame:
    """A CSV (UTF-8, UTF-8 with BOM, GBK) or XLSX file as a frame of strings.

    Ragged/truncated rows are appended to ``problems`` (dicts: file, row, field, message) when a list is given.
    With ``with_row_numbers`` the frame gets a ``_row`` column (row number in the file) and blank rows are dropped;
    without it, blank rows stay as all-null rows so that frame row i is file row i + 2.
    ``limits`` (sizes, rows, columns: ``assets.ingest.limits``) default to the ENVMON_* variables; ``max_bytes``
    overrides the file size limit.
    """
    path = Path(path)
    limits = limits or InputLimits.from_env(max_bytes)
    if max_bytes is not None and limits.max_file_bytes != max_bytes:
        limits = replace(limits, max_file_bytes=max_bytes)
    _check_size(path, limits.max_file_bytes)
    found: list[dict] = []
    if path.suffix.lower() in EXCEL_SUFFIXES:
        from assets.ingest.excel import read_excel_strings  # the XLSX reader only for Excel files

        frame = read_excel_strings(path, found, limits)
    else:
        frame = _read_csv(path, found, limits)
    if problems is not None:
        problems.extend(found)
    if with_row_numbers:
        return frame.filter(~pl.all_horizontal(pl.exclude(ROW_COLUMN).is_null()))
    return frame.drop(ROW_COLUMN)


def require_columns(frame: pl.DataFrame, path: Path | str, required: list[str] | tuple[str, ...]) -> None:
    """Raise ``BadFileError`` when the header lacks columns this source needs (an unknown layout)."""
    missing = [c for c in required if c not in frame.columns]
    if missing:
        shown = ", ".join(c for c in frame.columns[:8] if c != ROW_COLUMN)
        raise BadFileError(path, f"unknown header: missing column(s) {', '.join(missing)} (found: {shown} ...)", row=1)


def as_number(text: pl.Expr) -> pl.Expr:
    """Text -> Float64: null where it is not a number or not a finite one (``inf``, ``nan``, ``1e999`` overflows to
    inf): such a cell is unparsable, never a value."""
    number = text.cast(pl.Float64, strict=False)
    return pl.when(number.is_finite()).then(number)


def unparsable_reason(text: pl.Expr) -> pl.Expr:
    """Why a cell that is neither a missing token nor a finite number cannot be used."""
    number = text.str.strip_chars().cast(pl.Float64, strict=False)
    return (
        pl.when(text.str.strip_chars().str.starts_with("="))
        .then(pl.lit("formula without a cached value"))
        .when(number.is_nan())
        .then(pl.lit("not a finite number (nan)"))
        .when(number.is_infinite() & text.str.contains(r"(?i)inf"))
        .then(pl.lit("not a finite number (inf)"))
        .when(number.is_infinite())
        .then(pl.lit("number out of range"))
        .otherwise(pl.lit("not a number"))
    )


def parse_numbers(
    frame: pl.DataFrame, columns: list[str] | tuple[str, ...], file: Path | str = ""
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Cast ``columns`` to Float64: missing tokens become null quietly, any other unparsable cell (not a number,
    ``inf``, ``nan``, an overflow) becomes null and one problem row (file, row, field, value, reason, message).
    Row numbers come from ``_row`` if present."""
    rows = pl.col(ROW_COLUMN) if ROW_COLUMN in frame.columns else pl.int_range(2, pl.len() + 2)
    columns = list(columns)
    # One multi-column expression each (wide archive files have ~2,000 station columns).
    cleaned = pl.col(columns).cast(pl.String).str.strip_chars()
    missing = cleaned.is_null() | cleaned.is_in(MISSING_TOKENS)
    parsed = as_number(cleaned)
    numbers = frame.with_columns(parsed)
    bad_cells = frame.select(rows.cast(pl.Int64).alias(ROW_COLUMN + "_"), ~missing & parsed.is_null())
    is_bad = bad_cells.select(pl.col(columns).any()).row(0)
    bad = [
        frame.select(
            pl.lit(str(file)).alias("file"),
            rows.cast(pl.Int64).alias("row"),
            pl.lit(c).alias("field"),
            pl.col(c).cast(pl.String).alias("value"),
        ).filter(bad_cells[c])
        for c, has_bad in zip(columns, is_bad)
        if has_bad
    ]
    problems = pl.concat(bad) if bad else pl.DataFrame(schema=PROBLEM_SCHEMA)
    problems = (
        problems.with_columns(reason=unparsable_reason(pl.col("value")))
        .with_columns(
            pl.format(
                "{}: {} (missing values may be written as {})",
                pl.col("reason"),
                pl.col("value"),
                pl.lit(_tokens_shown()),
            ).alias("message")
        )
        .sort("row", "field")
    )
    return numbers, problems


PROBLEM_SCHEMA = {"file": pl.String, "row": pl.Int64, "field": pl.String, "value": pl.String}


def reject_file(path: Path | str, rejected_dir: Path | str, reason: str) -> Path:
    """Move an unreadable file to ``rejected_dir`` (never overwriting an earlier one) with ``<name>.reason.txt``."""
    path, rejected_dir = Path(path), Path(rejected_dir)
    rejected_dir.mkdir(parents=True, exist_ok=True)
    target = rejected_dir / path.name
    n = 1
    while target.exists() or target.is_symlink() or target.with_name(target.name + ".reason.txt").exists():
        target = rejected_dir / f"{path.stem}.{n}{path.suffix}"
        n += 1
    shutil.move(str(path), target)
    stamp = now_cst().isoformat(timespec="seconds")
    target.with_name(target.name + ".reason.txt").write_text(
        f"file: {path}\nrejected at: {stamp} (CST)\nreason: {reason}\n", encoding="utf-8"
    )
    return target


def reject_copy(path: Path | str, rejected_dir: Path | str, reason: str) -> Path:
    """A copy of an unreadable file in ``rejected_dir`` with its reason, for inputs that belong to the source (an
    archive folder, possibly read-only or shared): the original stays where it is. The same content rejected again
    under the same name is not copied twice."""
    path, rejected_dir = Path(path), Path(rejected_dir)
    rejected_dir.mkdir(parents=True, exist_ok=True)
    target, n = rejected_dir / path.name, 1
    while target.exists() or target.is_symlink():
        if target.is_file() and not target.is_symlink() and filecmp.cmp(path, target, shallow=False):
            break  # rejected before, unchanged: refresh its reason only
        target = rejected_dir / f"{path.stem}.{n}{path.suffix}"
        n += 1
    else:
        shutil.copy2(path, target)
    stamp = now_cst().isoformat(timespec="seconds")
    target.with_name(target.name + ".reason.txt").write_text(
        f"file: {path}\nrejected at: {stamp} (CST)\nreason: {reason}\n(a copy: the original stays in its folder)\n",
        encoding="utf-8",
    )
    return target


def _tokens_shown() -> str:
    return " ".join(repr(t) for t in MISSING_TOKENS[:6])


def check_limits(path: Path | str, limits: InputLimits | None = None) -> None:
    """The checks that need no parsing, in milliseconds whatever the file: a link, the size on disk, an XLSX's
    declared unpacked size, a CSV header's width. ``BadFileError`` over a limit; the readers check the rest (rows,
    inflated bytes) while streaming. Callers run it before copying a file or opening the warehouse."""
    path, limits = Path(path), limits or InputLimits.from_env()
    _check_size(path, limits.max_file_bytes)
    if path.suffix.lower() in EXCEL_SUFFIXES:
        import zipfile

        from assets.ingest.limits import too_big_unpacked

        try:
            with zipfile.ZipFile(path) as zf:
                declared = sum(info.file_size for info in zf.infolist())
        except (zipfile.BadZipFile, OSError, ValueError) as exc:
            raise BadFileError(path, f"not a readable XLSX workbook ({type(exc).__name__})") from None
        if declared > limits.max_unpacked_bytes:
            raise BadFileError(path, too_big_unpacked(limits, declared, "a declared"))
        return
    with path.open("rb") as fh:
        first = fh.readline(limits.max_columns * 64 + 1).decode("utf-8", errors="replace")
    width = len(next(csv.reader([first]), []))
    if width > limits.max_columns:
        raise BadFileError(path, too_many_columns(limits, f"{width:,} or more columns in the header"), row=1)


def _check_size(path: Path, max_bytes: int | None) -> None:
    link = link_problem(path)
    if link:  # before anything reads it: a link may point anywhere on the machine
        raise BadFileError(path, link)
    if not path.is_file():
        raise BadFileError(path, "no such file")
    limit = max_bytes if max_bytes is not None else DEFAULT_MAX_MB << 20
    size = path.stat().st_size
    if size == 0:
        raise BadFileError(path, "empty file (0 bytes)")
    if size > limit:
        raise BadFileError(
            path,
            f"file too large: {size / 2**20:.0f} MiB > limit {limit / 2**20:.0f} MiB "
            "(ENVMON_MAX_FILE_MB); split it or raise the limit",
        )


def _read_csv(path: Path, problems: list[dict], limits: InputLimits) -> pl.DataFrame:
    encoding = detect_encoding(path)
    with tempfile.TemporaryDirectory(prefix="envmon-read-") as tmp:
        source = path if encoding == "utf-8" else utf8_copy(path, encoding, tmp)
        try:
            frame, found = _parse_csv(path, source, limits)
        except _NotUtf8:
            # The first 64 KiB were plain ASCII and the Chinese text of a GBK file comes later.
            try:
                source = utf8_copy(path, "gb18030", tmp)
            except BadFileError:
                utf8_copy(path, "utf-8", tmp)  # raises, naming the row of the first bad UTF-8 byte
                raise
            frame, found = _parse_csv(path, source, limits)
    problems.extend(found)
    return frame.with_columns(pl.int_range(2, pl.len() + 2, dtype=pl.Int64).alias(ROW_COLUMN))


class _NotUtf8(Exception):
    pass


def _parse_csv(path: Path, source: Path, limits: InputLimits) -> tuple[pl.DataFrame, list[dict]]:
    found: list[dict] = []
    try:
        names = _header(source, limits)
        if len(names) > limits.max_columns:  # before any row is parsed: a frame that wide takes minutes
            raise BadFileError(path, too_many_columns(limits, f"{len(names):,} columns in the header"), row=1)
        check_header(path, names)
        lines, bad = _ragged_rows(path, source, len(names), found)
        if lines > limits.max_rows:  # the header counts, as in a sheet
            raise BadFileError(path, too_many_rows(limits), row=limits.max_rows + 1)
        with tempfile.TemporaryDirectory(prefix="envmon-lines-") as tmp:
            if bad.height:  # stray quotes: those lines are read as empty ones, the others as they are
                found.extend(csv_lines.problems_for(path, bad))
                source = csv_lines.without(source, set(bad["row"]), len(names), Path(tmp) / "lines.csv")
            frame = pl.read_csv(source, infer_schema=False, truncate_ragged_lines=True, encoding="utf8")
    except UnicodeDecodeError:
        raise _NotUtf8 from None
    except pl.exceptions.ComputeError as exc:
        if "utf-8" in str(exc).lower() or "utf8" in str(exc).lower():
            raise _NotUtf8 from None
        raise BadFileError(path, f"cannot parse as CSV: {str(exc).splitlines()[0]}") from None
    except pl.exceptions.NoDataError:
        raise BadFileError(path, "empty file (no header)") from None
    frame = _unnamed_columns(path, frame.rename(dict(zip(frame.columns, _placeholders(names)))), found)
    return frame, found


def _header(source: Path, limits: InputLimits) -> list[str]:
    with source.open(encoding="utf-8-sig", newline="") as fh:  # one line only, parsed like the CSV reader does
        # bounded: a header is at most its columns' names (64 characters each, generously)
        line = fh.readline(limits.max_columns * 64 + 1)
    first = next(csv.reader([line]), [])
    if len(line) > limits.max_columns * 64 and not line.endswith("\n"):  # cut: count what was read, and more
        return [name.strip() for name in first] + [""]
    return [name.strip() for name in first]


def _placeholders(names: list[str]) -> list[str]:
    return [name or f"column_{i}" for i, name in enumerate(names, start=1)]


def _unnamed_columns(path: Path, frame: pl.DataFrame, problems: list[dict]) -> pl.DataFrame:
    """Columns without a header name: dropped when empty (the national archive ends its header with commas),
    kept as ``column_<position>`` and reported when they hold values."""
    unnamed = [c for c in frame.columns if c.startswith("column_")]
    if not unnamed:
        return frame
    filled = frame.select(pl.col(unnamed).is_not_null().any()).row(0)
    keep = [c for c, has in zip(unnamed, filled) if has]
    if keep:
        problems.append(
            {
                "file": str(path),
                "row": 1,
                "field": ", ".join(keep),
                "kind": "unnamed_column",
                "message": f"values under column(s) without a header name: {', '.join(keep)}",
            }
        )
    return frame.drop(c for c in unnamed if c not in keep)


def _ragged_rows(path: Path, source: Path, width: int, problems: list[dict]) -> tuple[int, pl.DataFrame]:
    """Rows with more or fewer fields than the header (streamed; quoted commas are not separators); returns the
    number of lines and the malformed ones (row, line: ``assets.ingest.csv_lines``)."""
    lines = pl.scan_csv(
        source, has_header=False, separator="\x1f", quote_char=None, infer_schema=False, new_columns=["line"]
    ).with_row_index("row", offset=1)
    fields = lines.select("row", fields=pl.col("line").str.replace_all(r'"[^"]*"', "").str.count_matches(",") + 1)
    counts, total, bad = pl.collect_all(  # one scan of the file for the three
        [
            fields.filter(pl.col("fields").is_not_null() & (pl.col("fields") != width)),
            lines.select(pl.len()),
            csv_lines.malformed(lines.filter(pl.col("row") > 1)),
        ],
        engine="streaming",
    )
    counts = counts.filter(~pl.col("row").is_in(bad["row"].implode()))  # reported as malformed instead
    for row, fields in counts.iter_rows():  # only the bad rows: few
        kind = "truncated row" if fields < width else "ragged row"
        what = "missing fields are empty" if fields < width else f"fields after the {width}th dropped"
        problems.append(
            {
                "file": str(path),
                "row": int(row),
                "field": None,
                "kind": kind.replace(" ", "_"),
                "message": f"{kind}: {fields} fields where the header has {width} ({what})",
            }
        )
    return int(total.item()), bad

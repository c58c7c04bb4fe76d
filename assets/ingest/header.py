"""The header row and the row-number column shared by the CSV reader (``files.py``) and the XLSX reader
(``excel.py``): both check a header the same way, and both number rows as a person sees them."""

from __future__ import annotations

from pathlib import Path

from assets.ingest.errors import BadFileError

ROW_COLUMN = "_row"  # the file's row number, added by ``read_tabular(..., with_row_numbers=True)``


def check_header(path: Path, names: list[str]) -> None:
    """A header names its columns (not a row of values, not empty) and names each once; else ``BadFileError``."""
    if not any(names):
        raise BadFileError(path, "no header: the first row is empty", row=1)
    if all(_looks_numeric(n) for n in names if n):
        raise BadFileError(path, f"no header: the first row holds values ({', '.join(names[:5])} ...)", row=1)
    dupes = sorted({n for n in names if n and names.count(n) > 1})
    if dupes:
        raise BadFileError(path, f"header repeats column name(s) {', '.join(dupes[:10])}", row=1)


def _looks_numeric(text: str) -> bool:
    try:
        float(text)
        return True
    except ValueError:
        return False

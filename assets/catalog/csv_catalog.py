"""Reading a catalog CSV (stations, river sections): every cell as a string first, then typed by a schema, so that
an operator's file fails with the file, row and field named rather than with a parser's message."""

from __future__ import annotations

from pathlib import Path

import polars as pl

TRUE_WORDS = ["true", "y", "yes", "1", "是"]


def read_catalog_csv(path: Path, required: tuple[str, ...], what: str, error: type[ValueError]) -> pl.DataFrame:
    """All-string frame with clean header names; raises ``error`` naming the file for unreadable or incomplete ones."""
    fix = "give a UTF-8 CSV file whose first line names " + (
        f"the columns {', '.join(required)}" if required else "its columns"
    )
    if not Path(path).is_file():
        state = "is a folder" if Path(path).is_dir() else "no such file"
        raise error(f"{path}: {state}; {fix}")
    try:
        raw = pl.read_csv(path, infer_schema=False, encoding="utf8-lossy")
    except OSError as exc:
        raise error(f"{path}: cannot read the {what}: {exc.strerror or exc}; {fix}") from exc
    except pl.exceptions.PolarsError as exc:  # the parser's first line only: its hints are about Polars options
        said = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        if "more fields than defined" in said:
            said = "a line has more fields than the header line"
        raise error(f"{path}: not a readable {what} (CSV parser: {said}); {fix}") from exc
    raw = raw.rename({c: c.lstrip("\ufeff").strip() for c in raw.columns})
    missing = [c for c in required if c not in raw.columns]
    if missing:
        raise error(f"{path}: the {what} lacks column(s) {', '.join(missing)}; {fix}")
    return raw


def typed(name: str, dtype: pl.DataType) -> pl.Expr:
    """The string column ``name`` as ``dtype`` (booleans from words such as true/yes/是; unparsable → null)."""
    col = pl.col(name)
    if dtype == pl.Boolean:
        return col.str.to_lowercase().is_in(TRUE_WORDS).alias(name)
    if dtype == pl.Date:
        return col.str.to_date("%Y-%m-%d", strict=False)
    if dtype == pl.String:
        return col
    return col.cast(dtype, strict=False)

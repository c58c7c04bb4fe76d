"""The error of a file that cannot be used (or one of its rows or fields), naming file, row and field; raised by
every reader and caught where a file is moved to rejected/ with its reason."""

from __future__ import annotations

from pathlib import Path


class BadFileError(ValueError):
    """A file (or one of its rows/fields) that cannot be used; the message names file, row and field."""

    def __init__(self, path: Path | str, reason: str, row: int | None = None, field: str | None = None):
        self.path, self.reason, self.row, self.field = Path(path), reason, row, field
        where = "".join([f", row {row}" if row is not None else "", f", field {field!r}" if field else ""])
        super().__init__(f"{path}{where}: {reason}")

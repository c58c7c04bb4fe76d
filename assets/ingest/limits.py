"""How much of a file the readers take: bytes on disk, bytes unpacked (XLSX is a zip), rows and columns.

A file over a limit is refused with a ``BadFileError`` that names the limit and its variable (a river file goes to
``rejected/`` with that reason), and it is refused as soon as the reader sees it is over: the declared sizes of an
XLSX's parts before anything is inflated, the inflated bytes counted while the sheet streams (declared sizes can
lie), a row number or a column past its limit at the cell that passes it, a CSV header wider than the column limit
before any row is parsed. The defaults (``EnvmonSettings``) are far above any real monitoring-centre export or
national archive file (about 2,000 station columns, a few hundred rows a day); raise them for an unusual file.
"""

from __future__ import annotations

import os
from dataclasses import dataclass


@dataclass(frozen=True)
class InputLimits:
    max_file_bytes: int = 1024 << 20  # ENVMON_MAX_FILE_MB
    max_unpacked_bytes: int = 64 << 20  # ENVMON_MAX_XLSX_UNPACKED_MB
    max_rows: int = 500_000  # ENVMON_MAX_ROWS
    max_columns: int = 5_000  # ENVMON_MAX_COLUMNS

    @classmethod
    def from_settings(cls, settings) -> InputLimits:
        """From ``EnvmonSettings`` (its fields carry the variables' values and the defaults)."""
        return cls(
            settings.max_file_mb << 20,
            settings.max_xlsx_unpacked_mb << 20,
            settings.max_rows,
            settings.max_columns,
        )

    @classmethod
    def from_env(cls, max_file_bytes: int | None = None) -> InputLimits:
        """For readers called without settings (tests, tools): the same variables, the same defaults."""
        from assets.settings import EnvmonSettings  # settings import warehouse paths; keep this module light

        limits = cls.from_settings(EnvmonSettings.from_env(os.environ))
        if max_file_bytes is not None:
            limits = cls(max_file_bytes, limits.max_unpacked_bytes, limits.max_rows, limits.max_columns)
        return limits


def too_many_rows(limits: InputLimits) -> str:
    return (
        f"more than {limits.max_rows:,} rows (ENVMON_MAX_ROWS): split the file by month, or raise the limit if "
        "the file is genuine"
    )


def too_many_columns(limits: InputLimits, found: str) -> str:
    return (
        f"{found}: more than {limits.max_columns:,} columns (ENVMON_MAX_COLUMNS), not a monitoring export; "
        "check the file, or raise the limit if it is genuine"
    )


def too_big_unpacked(limits: InputLimits, size: int, how: str) -> str:
    return (
        f"XLSX unpacks to {how} {size / 2**20:,.0f} MiB, more than {limits.max_unpacked_bytes / 2**20:,.0f} MiB "
        "(ENVMON_MAX_XLSX_UNPACKED_MB): a zip bomb or a far larger export than usual; split it or raise the limit"
    )

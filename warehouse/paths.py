"""The data folder and everything under it.

All state (warehouse, snapshot, raw files, landing folder, outbox, reports, Dagster instance) lives under one
folder: ``./data`` by default, ``ENVMON_DATA_DIR`` when set.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class DataPaths:
    root: Path

    @classmethod
    def from_env(cls, environ: Mapping[str, str] = os.environ) -> DataPaths:
        return cls(Path(environ.get("ENVMON_DATA_DIR") or "data").resolve())

    @property
    def warehouse(self) -> Path:
        return self.root / "warehouse.duckdb"

    @property
    def snapshot(self) -> Path:
        return self.root / "published" / "envmon.duckdb"

    @property
    def raw(self) -> Path:
        return self.root / "raw"

    @property
    def landing(self) -> Path:
        return self.root / "landing"

    @property
    def rejected(self) -> Path:
        return self.root / "rejected"

    @property
    def archive(self) -> Path:
        return self.root / "archive"

    @property
    def outbox(self) -> Path:
        return self.root / "outbox"

    @property
    def reports(self) -> Path:
        return self.root / "reports"

    @property
    def data_docs(self) -> Path:
        return self.root / "data_docs"

    @property
    def status_page(self) -> Path:
        return self.root / "status"

    @property
    def dagster_home(self) -> Path:
        return self.root / "dagster"

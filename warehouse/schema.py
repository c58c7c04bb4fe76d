"""Creates the warehouse's own tables (staging, quarantine, metadata) if they are missing.

Each dataset keeps its DDL in ``warehouse/ddl/*.sql`` (idempotent ``CREATE ... IF NOT EXISTS``), applied in name
order. Marts are not here: they are built by the SQL models in ``dbt_like_sql/``.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import duckdb

DDL_DIR = Path(__file__).parent / "ddl"


@cache
def _ddl() -> str:
    return "\n".join(p.read_text(encoding="utf-8") for p in sorted(DDL_DIR.glob("*.sql")))


def ensure_schema(con: duckdb.DuckDBPyConnection) -> None:
    con.execute(_ddl())

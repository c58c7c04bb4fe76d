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
    _migrate_event_log(con)
    con.execute(_ddl())


def _migrate_event_log(con: duckdb.DuckDBPyConnection) -> None:
    """Warehouses made before alerts.event_log became append-only (key (event_id, day), issue 24): the same rows
    under the key (event_id, day, revision); DuckDB cannot change a primary key in place. Its view alerts.events is
    made anew on the new log (the DDL creates views only where missing: re-creating them on every connection would
    make concurrent writers' transactions conflict on the catalog)."""
    key = con.execute(
        "SELECT constraint_column_names FROM duckdb_constraints() WHERE database_name = current_database() "
        "AND schema_name = 'alerts' AND table_name = 'event_log' AND constraint_type = 'PRIMARY KEY'"
    ).fetchone()
    if key is None or list(key[0]) != ["event_id", "day"]:
        return
    con.execute("DROP VIEW IF EXISTS alerts.events")
    con.execute("ALTER TABLE alerts.event_log RENAME TO event_log_keyed_by_day")
    con.execute(_ddl())
    con.execute("INSERT INTO alerts.event_log BY NAME SELECT * FROM alerts.event_log_keyed_by_day")
    con.execute("DROP TABLE alerts.event_log_keyed_by_day")

"""The dbt_like_sql project: models, seeds and macros discovered from files, with no Python per model.

- ``dbt_like_sql/<schema>/<name>.sql`` is one model: the table (or view) ``<schema>.<name>``. Its leading ``--``
  comment lines are its description; ``-- materialized: view`` makes it a view; ``-- partitioned: ...`` makes it
  a partitioned model that is built a window of days at a time (``assets.sql_models.partitioning``). Its upstream
  tables are the ``schema.table`` names the SQL mentions, for the schemas the warehouse knows.
- ``dbt_like_sql/<schema>/<name>.yml`` beside it is its contract: its columns and tests
  (``assets.sql_models.contracts``).
- ``dbt_like_sql/seeds/<name>.csv`` loads as the table ``seeds.<name>``.
- ``dbt_like_sql/_macros/*.sql`` are DuckDB macros, created before any model is built.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import duckdb

from assets.sql_models.contracts import Contract, load_contract
from assets.sql_models.partitioning import Partitioning
from warehouse.connection import fetch_one, fetch_polars
from warehouse.partitions import transaction
from warehouse.windows import day_window

PROJECT_DIR = Path(__file__).resolve().parents[2] / "dbt_like_sql"
SEEDS_DIR = PROJECT_DIR / "seeds"
MACROS_DIR = PROJECT_DIR / "_macros"
KNOWN_SCHEMAS = ("seeds", "staging", "quarantine", "intermediate", "marts", "alerts", "meta", "forecast", "reports")
_REF = re.compile(r"\b(" + "|".join(KNOWN_SCHEMAS) + r")\.([a-z_][a-z0-9_]*)\b", re.IGNORECASE)
_COMMENT = re.compile(r"--[^\n]*|/\*.*?\*/", re.DOTALL)


@dataclass(frozen=True)
class SqlModel:
    schema: str
    name: str
    path: Path
    sql: str
    description: str
    materialized: str  # "table" or "view"
    upstream: tuple[tuple[str, str], ...]
    partitioning: Partitioning | None = None  # None: rebuilt whole (models of seeds only)
    contract: Contract | None = None

    @property
    def table(self) -> str:
        return f"{self.schema}.{self.name}"

    @property
    def body(self) -> str:
        return self.sql.strip().rstrip(";")


def parse_model(path: Path) -> SqlModel:
    text = path.read_text(encoding="utf-8")
    header: list[str] = []
    materialized, partitioning = "table", None
    for line in text.splitlines():
        if not line.startswith("--"):
            break
        body = line[2:].strip()
        key, _, value = body.partition(":")
        if key.lower() == "materialized":
            materialized = value.strip().lower()
        elif key.lower() == "partitioned":
            partitioning = Partitioning.parse(value, str(path))
        else:
            header.append(body)
    schema, name = path.parent.name, path.stem
    refs = {(s.lower(), t.lower()) for s, t in _REF.findall(_COMMENT.sub(" ", text))} - {(schema, name)}
    return SqlModel(
        schema,
        name,
        path,
        text,
        "\n".join(header).strip(),
        materialized,
        tuple(sorted(refs)),
        partitioning,
        load_contract(path),
    )


@cache
def discover_models(project_dir: Path = PROJECT_DIR) -> tuple[SqlModel, ...]:
    files = [
        p for p in sorted(project_dir.glob("*/*.sql")) if not p.parent.name.startswith("_") and p.parent.name != "seeds"
    ]
    return tuple(parse_model(p) for p in files)


def discover_seeds(seeds_dir: Path = SEEDS_DIR) -> tuple[str, ...]:
    return tuple(p.stem for p in sorted(seeds_dir.glob("*.csv")))


def create_macros(con: duckdb.DuckDBPyConnection, macros_dir: Path = MACROS_DIR) -> None:
    for path in sorted(macros_dir.glob("*.sql")):
        con.execute(path.read_text(encoding="utf-8"))


def build_model(
    con: duckdb.DuckDBPyConnection,
    model: SqlModel,
    window: tuple[dt.date, dt.date] | None = None,
    macros: bool = True,
) -> int | None:
    """Build one model; returns the rows written (None for a view: counting would run it).

    Without a window the model is rebuilt whole. With one (days [start, end)), a partitioned table replaces the
    rows of the window in one transaction (delete, then insert), reading its inputs over the window its header
    declares; views and unpartitioned models are (re)created as they are. ``macros=False``: the caller created the
    macros already (once for a whole step)."""
    if macros:
        create_macros(con)
    con.execute(f"CREATE SCHEMA IF NOT EXISTS {model.schema}")
    kind = "VIEW" if model.materialized == "view" else "TABLE"
    existing = _existing_kind(con, model)
    if existing and existing != kind:  # the model changed materialization
        con.execute(f"DROP {existing} {model.table}")
        existing = None
    if kind == "VIEW":
        con.execute(f"CREATE OR REPLACE VIEW {model.table} AS\n{model.body}\n")
        return None
    part = model.partitioning
    if window is None or part is None:
        con.execute(f"CREATE OR REPLACE TABLE {model.table} AS\n{model.body}\n")
        return fetch_one(con, f"SELECT count(*) FROM {model.table}")[0]
    start, end = window
    with day_window(con, start, end, *part.input_window(start, end)):
        rows = f"SELECT * FROM (\n{model.body}\n) WHERE {part.rows_in_window()}"
        if not existing:
            con.execute(f"CREATE TABLE {model.table} AS {rows}")
            return fetch_one(con, f"SELECT count(*) FROM {model.table}")[0]
        _check_columns(con, model)
        with transaction(con):
            con.execute(f"DELETE FROM {model.table} WHERE {part.rows_in_window()}")
            con.execute(f"INSERT INTO {model.table} BY NAME {rows}")
            return fetch_one(con, f"SELECT count(*) FROM {model.table} WHERE {part.rows_in_window()}")[0]


def _existing_kind(con: duckdb.DuckDBPyConnection, model: SqlModel) -> str | None:
    row = fetch_one(
        con,
        "SELECT 'VIEW' FROM duckdb_views() WHERE schema_name = ? AND view_name = ? "
        "UNION ALL SELECT 'TABLE' FROM duckdb_tables() WHERE schema_name = ? AND table_name = ?",
        [model.schema, model.name] * 2,
    )
    return row[0] if row else None


def _check_columns(con: duckdb.DuckDBPyConnection, model: SqlModel) -> None:
    """A window's rows go into the table built before: its columns must still be the model's."""
    wanted = fetch_polars(con, f"DESCRIBE ({model.body})").select("column_name", "column_type").rows()
    stored = fetch_polars(
        con,
        "SELECT column_name, data_type FROM duckdb_columns() WHERE schema_name = ? AND table_name = ? "
        "ORDER BY column_index",
        [model.schema, model.name],
    ).rows()
    if set(wanted) != set(stored):
        new = ", ".join(f"{c} {t}" for c, t in wanted if (c, t) not in stored) or "-"
        gone = ", ".join(f"{c} {t}" for c, t in stored if (c, t) not in wanted) or "-"
        raise ValueError(
            f"{model.table}: its columns changed since the table was built (now: {new}; before: {gone}). "
            "Rebuild the models from staging: envmon run --full-refresh"
        )


def load_seed(con: duckdb.DuckDBPyConnection, name: str, seeds_dir: Path = SEEDS_DIR) -> int:
    path = seeds_dir / f"{name}.csv"
    con.execute(
        f"CREATE OR REPLACE TABLE seeds.{name} AS SELECT * FROM read_csv(?, header = true, auto_detect = true)",
        [str(path)],
    )
    return fetch_one(con, f"SELECT count(*) FROM seeds.{name}")[0]

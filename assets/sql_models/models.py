"""The dbt_like_sql project: models, seeds and macros discovered from files, with no Python per model.

- ``dbt_like_sql/<schema>/<name>.sql`` is one model: the table (or view) ``<schema>.<name>``. Its leading ``--``
  comment lines are its description; a line ``-- materialized: view`` makes it a view. Its upstream tables are
  the ``schema.table`` names the SQL mentions, for the schemas the warehouse knows.
- ``dbt_like_sql/seeds/<name>.csv`` loads as the table ``seeds.<name>``.
- ``dbt_like_sql/_macros/*.sql`` are DuckDB macros, created before any model is built.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import duckdb

from warehouse.connection import fetch_one

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

    @property
    def table(self) -> str:
        return f"{self.schema}.{self.name}"


def parse_model(path: Path) -> SqlModel:
    text = path.read_text(encoding="utf-8")
    header: list[str] = []
    materialized = "table"
    for line in text.splitlines():
        if not line.startswith("--"):
            break
        body = line[2:].strip()
        if body.lower().startswith("materialized:"):
            materialized = body.split(":", 1)[1].strip().lower()
        else:
            header.append(body)
    schema, name = path.parent.name, path.stem
    refs = {(s.lower(), t.lower()) for s, t in _REF.findall(_COMMENT.sub(" ", text))} - {(schema, name)}
    return SqlModel(schema, name, path, text, "\n".join(header).strip(), materialized, tuple(sorted(refs)))


@cache
def discover_models(project_dir: Path = PROJECT_DIR) -> tuple[SqlModel, ...]:
    files = [
        p
        for p in sorted(project_dir.glob("*/*.sql"))
        if not p.parent.name.startswith("_") and p.parent.name != "seeds"
    ]
    return tuple(parse_model(p) for p in files)


def discover_seeds(seeds_dir: Path = SEEDS_DIR) -> tuple[str, ...]:
    return tuple(p.stem for p in sorted(seeds_dir.glob("*.csv")))


def create_macros(con: duckdb.DuckDBPyConnection, macros_dir: Path = MACROS_DIR) -> None:
    for path in sorted(macros_dir.glob("*.sql")):
        con.execute(path.read_text(encoding="utf-8"))


def build_model(con: duckdb.DuckDBPyConnection, model: SqlModel) -> int | None:
    """(Re)build one model from scratch; returns a table's row count (None for a view: counting would run it).
    Full rebuilds keep every run idempotent."""
    create_macros(con)
    kind = "VIEW" if model.materialized == "view" else "TABLE"
    con.execute(f"CREATE SCHEMA IF NOT EXISTS {model.schema}")
    existing = fetch_one(
        con,
        "SELECT 'VIEW' FROM duckdb_views() WHERE schema_name = ? AND view_name = ? "
        "UNION ALL SELECT 'TABLE' FROM duckdb_tables() WHERE schema_name = ? AND table_name = ?",
        [model.schema, model.name] * 2,
    )
    if existing and existing[0] != kind:  # the model changed materialization
        con.execute(f"DROP {existing[0]} {model.table}")
    con.execute(f"CREATE OR REPLACE {kind} {model.table} AS\n{model.sql.strip().rstrip(';')}\n")
    return None if kind == "VIEW" else fetch_one(con, f"SELECT count(*) FROM {model.table}")[0]


def load_seed(con: duckdb.DuckDBPyConnection, name: str, seeds_dir: Path = SEEDS_DIR) -> int:
    path = seeds_dir / f"{name}.csv"
    con.execute(
        f"CREATE OR REPLACE TABLE seeds.{name} AS SELECT * FROM read_csv(?, header = true, auto_detect = true)",
        [str(path)],
    )
    return fetch_one(con, f"SELECT count(*) FROM seeds.{name}")[0]

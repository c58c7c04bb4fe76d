"""Which asset writes each table of the warehouse, so that whatever reads a table depends on its writers.

A model writes its own table, a seed CSV its ``seeds.`` table; the tables that Python assets write are declared
once, with their writers, in ``dbt_like_sql/sources.yml``. Every ``schema.table`` that a model's SQL or a Python
asset reads must resolve to one of them: a misspelt name stops the definitions from loading and names the file
that reads it, as dbt's ``ref()`` does (Dagster alone would take it for an external asset).
"""

from __future__ import annotations

from functools import cache

import dagster as dg
import yaml

from assets.sql_models.models import PROJECT_DIR, discover_models, discover_seeds

SOURCES_FILE = PROJECT_DIR / "sources.yml"


class UnknownTableError(ValueError):
    pass


@cache
def declared_sources() -> dict[str, tuple[dg.AssetKey, ...]]:
    """Table -> the assets that write it (dbt_like_sql/sources.yml)."""
    declared = yaml.safe_load(SOURCES_FILE.read_text(encoding="utf-8")) or {}
    return {table: tuple(dg.AssetKey(w.split("/")) for w in writers) for table, writers in declared.items()}


def writers(table: str, where: str) -> list[dg.AssetKey]:
    """The assets that write ``table`` (``schema.name``), read by ``where`` (a file, for the error)."""
    schema, _, name = table.partition(".")
    if any(m.schema == schema and m.name == name for m in discover_models()):
        return [dg.AssetKey([schema, name])]
    if table in declared_sources():
        return list(declared_sources()[table])
    if schema == "seeds" and name in discover_seeds():
        return [dg.AssetKey(["seeds", name])]
    raise UnknownTableError(
        f"{where}: reads {table}, which is no SQL model (dbt_like_sql/<schema>/<name>.sql), no seed "
        f"(dbt_like_sql/seeds/<name>.csv) and no declared source ({SOURCES_FILE.relative_to(PROJECT_DIR.parent)}): "
        "check the name"
    )


def deps_of(tables: list[str] | tuple[str, ...], where: str) -> list[dg.AssetKey]:
    """The writers of every table read, each once, in order."""
    return list(dict.fromkeys(key for table in tables for key in writers(table, where)))


def check_declared_writers(defined: set[dg.AssetKey]) -> None:
    """Every declared writer must be an asset of the code location."""
    for table, keys in declared_sources().items():
        missing = [k.to_user_string() for k in keys if k not in defined]
        if missing:
            raise UnknownTableError(f"{SOURCES_FILE}: {table} is written by {', '.join(missing)}, which is no asset")

"""Build seeds and SQL models in dependency order outside Dagster (tests, benchmarks, one-off rebuilds).

Dagster orders the model assets itself; this is the same order for plain Python callers.
"""

from __future__ import annotations

from graphlib import TopologicalSorter

import duckdb

from assets.sql_models.models import SqlModel, build_model, discover_models, discover_seeds, load_seed


def models_in_order(targets: list[str] | None = None) -> list[SqlModel]:
    """The models needed for ``targets`` (``schema.name``; all when None), upstream first."""
    models = {m.table: m for m in discover_models()}
    graph = {t: {f"{s}.{n}" for s, n in m.upstream} & models.keys() for t, m in models.items()}
    wanted = set(models) if targets is None else set()
    stack = list(targets or [])
    while stack:
        table = stack.pop()
        if table not in models:
            raise KeyError(f"no SQL model {table} in dbt_like_sql/")
        if table not in wanted:
            wanted.add(table)
            stack.extend(graph[table])
    order = TopologicalSorter({t: graph[t] for t in wanted}).static_order()
    return [models[t] for t in order]


def build_project(
    con: duckdb.DuckDBPyConnection, targets: list[str] | None = None, skip_seeds: tuple[str, ...] = ()
) -> dict[str, int]:
    """Load every seed (but ``skip_seeds``), then build ``targets`` with their upstream; returns rows per table."""
    rows = {f"seeds.{name}": load_seed(con, name) for name in discover_seeds() if name not in skip_seeds}
    for model in models_in_order(targets):
        rows[model.table] = build_model(con, model)
    return rows

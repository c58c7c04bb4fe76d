"""Model contracts: a small YAML beside each model's SQL (``dbt_like_sql/<schema>/<name>.yml``) lists its columns,
one line each, and its tests; the tests run after every build, on the rows the build wrote.

    key: [station_code, day]                        # unique and never null: blocking checks
    not_null: [area]                                # warns
    accepted_values:                                # warns: a list, or the values of a seed's column
      level: seeds.aqi_levels.level
      scale: [hour, station_day, area_day, area_rolling]
    relationships:                                  # warns: every value is in a seed's column
      station_code: seeds.stations.code
    columns:
      station_code:                                 # empty: the line of dbt_like_sql/_columns.yml
      aqi: AQI of the station-day (HJ 633 daily method)

No Dagster here: ``contract_tests`` gives each test's SQL, ``run_tests`` their failing rows.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import duckdb
import yaml

from warehouse.connection import fetch_polars

GLOSSARY = Path(__file__).resolve().parents[2] / "dbt_like_sql" / "_columns.yml"
BLOCKING = ("unique_key", "not_null_key")


@dataclass(frozen=True)
class Contract:
    path: Path
    columns: dict[str, str]  # name -> description
    key: tuple[str, ...] = ()
    not_null: tuple[str, ...] = ()
    accepted_values: dict = field(default_factory=dict)  # column -> tuple of values, or "seeds.table.column"
    relationships: dict = field(default_factory=dict)  # column -> "seeds.table.column"


@dataclass(frozen=True)
class ContractTest:
    name: str  # unique_key, not_null_key, not_null, accepted_values, relationships
    description: str
    failing: str  # SQL of the failing rows of ``_rows`` (the rows judged)
    reads: tuple[str, ...] = ()  # the seed tables it compares with

    @property
    def blocking(self) -> bool:
        return self.name in BLOCKING


@cache
def glossary() -> dict[str, str]:
    return yaml.safe_load(GLOSSARY.read_text(encoding="utf-8")) or {}


def load_contract(sql_path: Path) -> Contract | None:
    path = sql_path.with_suffix(".yml")
    if not path.exists():
        return None
    raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    unknown = set(raw) - {"key", "not_null", "accepted_values", "relationships", "columns"}
    if unknown:
        raise ValueError(f"{path}: unknown entries {', '.join(sorted(unknown))}")
    columns = {name: (text or glossary().get(name, "")).strip() for name, text in (raw.get("columns") or {}).items()}
    undescribed = [c for c, text in columns.items() if not text]
    if undescribed:
        raise ValueError(f"{path}: no description for {', '.join(undescribed)} (here or in {GLOSSARY.name})")
    contract = Contract(
        path,
        columns,
        tuple(raw.get("key") or ()),
        tuple(raw.get("not_null") or ()),
        {c: v if isinstance(v, str) else tuple(v) for c, v in (raw.get("accepted_values") or {}).items()},
        dict(raw.get("relationships") or {}),
    )
    named = {*contract.key, *contract.not_null, *contract.accepted_values, *contract.relationships}
    if named - set(columns):
        raise ValueError(f"{path}: tests name columns it does not list: {', '.join(sorted(named - set(columns)))}")
    return contract


def contract_tests(contract: Contract) -> list[ContractTest]:
    """The contract's tests, each as SQL of its failing rows among ``_rows`` (see ``run_tests``)."""
    tests = []
    if contract.key:
        key = ", ".join(f'"{c}"' for c in contract.key)
        tests.append(
            ContractTest(
                "unique_key",
                f"one row per {', '.join(contract.key)}",
                f"SELECT {key}, count(*) AS rows FROM _rows GROUP BY ALL HAVING count(*) > 1",
            )
        )
        tests.append(_nulls("not_null_key", contract.key))
    if contract.not_null:
        tests.append(_nulls("not_null", contract.not_null))
    if contract.accepted_values:
        tests.append(
            ContractTest(
                "accepted_values",
                "values in their sets: " + ", ".join(contract.accepted_values),
                _outside(contract.accepted_values),
                _tables(contract.accepted_values),
            )
        )
    if contract.relationships:
        tests.append(
            ContractTest(
                "relationships",
                "values known to their seeds: "
                + ", ".join(f"{c} -> {ref}" for c, ref in contract.relationships.items()),
                _outside(contract.relationships),
                _tables(contract.relationships),
            )
        )
    return tests


def run_tests(
    con: duckdb.DuckDBPyConnection, tests: list[ContractTest], table: str, where: str = "true"
) -> dict[str, tuple[int, list[dict]]]:
    """Each test's count of failing rows and a few of them, judging the rows of ``table`` matching ``where``. The
    rows are read once for all the tests (a view's query runs once)."""
    if not tests:
        return {}
    counts = ", ".join(f'(SELECT count(*) FROM ({t.failing})) AS "{t.name}"' for t in tests)
    rows = f"WITH _rows AS MATERIALIZED (SELECT * FROM {table} WHERE {where})"
    found = fetch_polars(con, f"{rows} SELECT {counts}").row(0, named=True)
    return {
        t.name: (found[t.name], fetch_polars(con, f"{rows} {t.failing} LIMIT 10").to_dicts() if found[t.name] else [])
        for t in tests
    }


def _nulls(name: str, columns: tuple[str, ...]) -> ContractTest:
    nulls = " OR ".join(f'"{c}" IS NULL' for c in columns)
    return ContractTest(name, f"no NULL in {', '.join(columns)}", f"SELECT * FROM _rows WHERE {nulls}")


def _values(spec) -> str:
    if isinstance(spec, str):  # seeds.table.column
        schema, table, column = spec.split(".")
        return f'SELECT CAST("{column}" AS VARCHAR) FROM {schema}.{table}'
    return ", ".join("'" + str(v).replace("'", "''") + "'" for v in spec)


def _tables(allowed: dict) -> tuple[str, ...]:
    return tuple(sorted({".".join(v.split(".")[:2]) for v in allowed.values() if isinstance(v, str)}))


def _outside(allowed: dict) -> str:
    """The distinct (column, value) pairs of the rows outside their allowed values."""
    return " UNION ALL ".join(
        f"(SELECT DISTINCT '{c}' AS column_name, CAST(\"{c}\" AS VARCHAR) AS value FROM _rows "
        f'WHERE "{c}" IS NOT NULL AND CAST("{c}" AS VARCHAR) NOT IN ({_values(spec)}))'
        for c, spec in allowed.items()
    )

"""Row-level rules between raw and staging: a row that breaks one goes to quarantine with the rule's name.

The rules are the ``meta.level == "row"`` expectations of the dataset's Great Expectations suite
(``assets/quality/suites/<dataset>.json``); this module evaluates them with Polars expressions (fast, and
row by row results for quarantine), while ``gx_run`` validates the same suite with GX for the record and Data Docs.
A quarantined row's reason is the expectation, e.g. ``expect_column_values_to_be_in_set(station_code, catalog)``.

- required fields present; key known to the catalog;
- time inside the partition's natural day, or a late row for one of the ``LATE_DAYS`` days before it; never in
  the future;
- one row per key x time: when a batch repeats a key-hour, the **last row delivered wins** (a correction is sent
  after the original) and earlier copies are quarantined; a key-hour that another partition already loaded stays
  with that partition, and this copy is quarantined.
"""

from __future__ import annotations

import polars as pl

from assets.quality.specs import DatasetSpec

# The reason of a row that another partition (or a monitoring-centre file) already loaded: a repeat, not bad data
ALREADY_LOADED = ": loaded by another partition"


def reason_name(expectation: dict) -> str:
    kwargs, meta = expectation["kwargs"], expectation.get("meta", {})
    target = kwargs.get("column") or ", ".join(kwargs.get("column_list", []))
    label = f", {meta['reason']}" if meta.get("reason") else ""
    return f"{expectation['type']}({target}{label})"


def row_conditions(spec: DatasetSpec, params: dict, already_loaded: pl.DataFrame) -> dict[str, pl.Expr]:
    """Reason -> expression that is true for a failing row, for every row-level expectation of the suite."""
    conditions: dict[str, pl.Expr] = {}
    for exp in spec.suite()["expectations"]:
        if exp.get("meta", {}).get("level") != "row":
            continue
        kwargs = {k: params[v["$PARAMETER"]] if isinstance(v, dict) else v for k, v in exp["kwargs"].items()}
        name = reason_name(exp)
        kind = exp["type"]
        if kind == "expect_column_values_to_not_be_null":
            conditions[name] = pl.col(kwargs["column"]).is_null()
        elif kind == "expect_column_values_to_be_in_set":
            conditions[name] = ~pl.col(kwargs["column"]).is_in(
                pl.Series(kwargs["value_set"], dtype=pl.String).implode()
            )
        elif kind == "expect_column_values_to_be_between":
            col, low, high = pl.col(kwargs["column"]), kwargs.get("min_value"), kwargs.get("max_value")
            conditions[name] = (col < low if low is not None else pl.lit(False)) | (
                col > high if high is not None else pl.lit(False)
            )
        elif kind == "expect_compound_columns_to_be_unique":
            keys = kwargs["column_list"]
            conditions[f"{name}: superseded by a later row"] = ~pl.struct(keys).is_last_distinct()
            conditions[f"{name}{ALREADY_LOADED}"] = pl.struct(keys).is_in(
                already_loaded.select(pl.struct(keys)).to_series().implode()
            )
        else:
            raise ValueError(f"suite {spec.name}: row-level expectation {kind} has no Polars rule")
    return conditions


def apply_row_rules(
    spec: DatasetSpec, rows: pl.DataFrame, params: dict, already_loaded: pl.DataFrame
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """(accepted, rejected); rejected rows carry ``row_number`` (1-based, in the batch) and ``reasons``."""
    rules = row_conditions(spec, params, already_loaded)
    failing = [cond.fill_null(True).alias(f"_rule{i}") for i, cond in enumerate(rules.values())]
    checked = rows.with_row_index("row_number", offset=1).with_columns(failing)
    fails = pl.any_horizontal(pl.col(r"^_rule\d+$"))
    accepted = checked.filter(~fails).select(rows.columns)
    # reasons are spelt out for the few failing rows only: building strings for every row costs more than the rules
    rejected = checked.filter(fails).select(
        "row_number",
        *rows.columns,
        reasons=pl.concat_list([pl.when(pl.col(f"_rule{i}")).then(pl.lit(name)) for i, name in enumerate(rules)])
        .list.drop_nulls()
        .list.join("; "),
    )
    return accepted, rejected

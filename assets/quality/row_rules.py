"""Row-level rules between raw and staging: a row that breaks one goes to quarantine with the rule's name.

Rules (names follow the Great Expectations expectations that document them in the suites):
- required fields present (station and time);
- station known to the catalog;
- time inside the partition's natural day, or a late row for one of the ``LATE_DAYS`` days before it;
  never in the future;
- one row per station x hour: when a batch repeats a station-hour, the **last row delivered wins** (a correction
  is sent after the original) and earlier copies are quarantined; a station-hour that another partition already
  loaded stays with that partition, and this copy is quarantined.
"""

from __future__ import annotations

import datetime as dt

import polars as pl

LATE_DAYS = 7


def split_rows(
    rows: pl.DataFrame,
    day: dt.date,
    known_codes: pl.Series,
    already_loaded: pl.DataFrame,
    now: dt.datetime,
    key: str = "station_code",
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Split a batch into (accepted, rejected); rejected rows carry ``row_number`` and ``reasons``.

    ``already_loaded`` holds the (key, ts) pairs that other partitions own.
    """
    start = dt.datetime.combine(day, dt.time(1))
    end = start + dt.timedelta(hours=23)
    late_start = start - dt.timedelta(days=LATE_DAYS)
    indexed = rows.with_row_index("row_number", offset=1)
    rules = {
        f"expect_column_values_to_not_be_null({key})": pl.col(key).is_null(),
        "expect_column_values_to_not_be_null(ts)": pl.col("ts").is_null(),
        f"expect_column_values_to_be_in_set({key}, catalog)": ~pl.col(key).is_in(known_codes.implode()),
        "expect_column_values_to_be_between(ts, partition)": (pl.col("ts") < late_start) | (pl.col("ts") > end),
        "expect_column_values_to_be_between(ts, not in future)": pl.col("ts") > now,
        f"expect_compound_columns_to_be_unique({key}, ts): superseded by a later row": (
            pl.int_range(pl.len()).over(key, "ts") < pl.len().over(key, "ts") - 1
        ),
        f"expect_compound_columns_to_be_unique({key}, ts): loaded by another partition": pl.struct(key, "ts").is_in(
            already_loaded.select(pl.struct(key, "ts")).to_series().implode()
        ),
    }
    flagged = indexed.with_columns(
        pl.concat_list([pl.when(cond.fill_null(True)).then(pl.lit(name)) for name, cond in rules.items()])
        .list.drop_nulls()
        .list.join("; ")
        .alias("reasons")
    )
    accepted = flagged.filter(pl.col("reasons") == "").drop("reasons", "row_number")
    rejected = flagged.filter(pl.col("reasons") != "")
    return accepted, rejected

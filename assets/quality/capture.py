"""Data capture (数据有效性) per station x natural day against GB 3095-2012 table 4 (STANDARDS.md section 4).

Rules: ``dbt_like_sql/seeds/air_data_capture.csv`` (the SQL marts read the same seed). A 24-h mean needs
``min_hours`` valid hourly values in the natural day (01:00 ... 24:00); O3's daily maximum 8-h mean needs
``min_windows`` valid 8-h windows among the 17 ending 08:00 ... 24:00, a window being valid with
``min_window_hours`` valid hours. A value is valid when present and not carrying an invalidating quality flag.
"""

from __future__ import annotations

import datetime as dt
from functools import cache

import polars as pl

from assets.quality.specs import SEEDS_DIR, DatasetSpec, partition_bounds, quality_flags

DAILY_MEAN_POLLUTANTS = ("pm25", "pm10", "so2", "no2", "co")
O3_WINDOW_HOURS = 8  # the definition of an 8-h mean, not a threshold


@cache
def capture_rules() -> pl.DataFrame:
    """One row per pollutant with the minimum counts of the seed."""
    counts = dict(pl.read_csv(SEEDS_DIR / "air_data_capture.csv").select("rule", "min_count").iter_rows())
    rows = [
        {"pollutant": p, "statistic": "24-h mean", "min_hours": counts["daily_mean_hours"]}
        for p in DAILY_MEAN_POLLUTANTS
    ] + [
        {
            "pollutant": "o3",
            "statistic": "daily max 8-h mean",
            "window_hours": O3_WINDOW_HOURS,
            "min_window_hours": counts["o3_8h_window_hours"],
            "min_windows": counts["o3_8h_daily_windows"],
        }
    ]
    schema = {k: pl.Int64 for k in ("min_hours", "window_hours", "min_window_hours", "min_windows")}
    return pl.DataFrame(rows, schema={"pollutant": pl.String, "statistic": pl.String, **schema})


def valid_hours(spec: DatasetSpec, staged: pl.DataFrame, flags: pl.DataFrame, day: dt.date) -> pl.DataFrame:
    """Long frame (key, hour 1..24, parameter) of the natural day's valid values."""
    start, end = partition_bounds(day)
    invalidating = quality_flags().filter(pl.col("invalidates"))["flag_code"]
    bad = (
        flags.filter(pl.col("flag_code").is_in(invalidating.implode()))
        .select(spec.key, spec.time, "parameter")
        .unique()
    )
    return (
        staged.filter(pl.col(spec.time).is_between(start, end))
        .unpivot(index=[spec.key, spec.time], on=list(spec.values), variable_name="parameter")
        .drop_nulls("value")
        .join(bad, on=[spec.key, spec.time, "parameter"], how="anti")
        .select(spec.key, "parameter", hour=((pl.col(spec.time) - start).dt.total_hours() + 1).cast(pl.Int32))
    )


def daily_capture(
    spec: DatasetSpec, staged: pl.DataFrame, flags: pl.DataFrame, day: dt.date, expected_keys: pl.Series
) -> pl.DataFrame:
    """One row per expected key x rule: ``valid`` count, ``needed``, ``ok`` (stations without any row count 0)."""
    rules = capture_rules()
    hours = valid_hours(spec, staged, flags, day)
    grid = pl.DataFrame({spec.key: expected_keys.unique().sort()}).join(rules, how="cross")
    hourly = hours.group_by(spec.key, "parameter").agg(valid_hours=pl.len()).rename({"parameter": "pollutant"})
    out = grid.join(hourly, on=[spec.key, "pollutant"], how="left")
    windowed = rules.filter(pl.col("min_windows").is_not_null())
    if windowed.height:
        out = out.join(_valid_windows(spec.key, hours, windowed), on=[spec.key, "pollutant"], how="left")
    else:
        out = out.with_columns(valid_windows=pl.lit(None, pl.UInt32))
    windows = pl.col("min_windows").is_not_null()
    return (
        out.select(
            spec.key,
            "pollutant",
            "statistic",
            pl.lit(day).alias("day"),
            valid=pl.when(windows)
            .then(pl.col("valid_windows"))
            .otherwise(pl.col("valid_hours"))
            .fill_null(0)
            .cast(pl.Int64),
            needed=pl.when(windows).then(pl.col("min_windows")).otherwise(pl.col("min_hours")).cast(pl.Int64),
            unit=pl.when(windows).then(pl.lit("8-h windows")).otherwise(pl.lit("hours")),
        )
        .with_columns(ok=pl.col("valid") >= pl.col("needed"))
        .sort(spec.key, "pollutant")
    )


def _valid_windows(key: str, hours: pl.DataFrame, rules: pl.DataFrame) -> pl.DataFrame:
    """Valid 8-h windows ending at hours 8..24 of the natural day (the O3 8-h mean restarts at 01:00)."""
    parts = []
    for rule in rules.iter_rows(named=True):
        size, need = int(rule["window_hours"]), int(rule["min_window_hours"])
        present = hours.filter(pl.col("parameter") == rule["pollutant"])
        ends = pl.DataFrame({"end": list(range(size, 25))}, schema={"end": pl.Int32})
        counted = (
            present.join(ends, how="cross")
            .filter(pl.col("hour").is_between(pl.col("end") - size + 1, pl.col("end")))
            .group_by(key, "end")
            .len()
            .filter(pl.col("len") >= need)
            .group_by(key)
            .agg(valid_windows=pl.len())
        )
        parts.append(counted.with_columns(pollutant=pl.lit(rule["pollutant"])))
    return pl.concat(parts)

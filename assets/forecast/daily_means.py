"""Daily concentrations of the HJ 633 daily AQI from hourly values, with the GB 3095 / HJ 663 validity rules.

Input: hourly rows ``<key>, ts, pm25, pm10, so2, no2, o3, co`` (ts = end of the hour, CST, naive).
Output per ``<key>`` x natural day (01:00 .. 24:00, STANDARDS §3):
- ``pm25, pm10, so2, no2, co``: 24-h means, NULL with fewer than 20 hourly values;
- ``o3_8h``: O3 daily maximum 8-h mean over the 17 windows ending 08:00 ... 24:00 of the day, each window needing
  at least 6 hourly values; with fewer than 14 valid windows it stands only if it exceeds the Grade II limit
  (HJ 663, from seeds ``air_quality_limits.csv``);
- ``o3_1h_max``: the day's maximum 1-h O3 (HJ 633-2012 scores O3 with it when the 8-h value exceeds 800);
- ``hours``: hours present in the day.
"""

from __future__ import annotations

from pathlib import Path

import polars as pl

SEEDS = Path(__file__).resolve().parents[2] / "dbt_like_sql" / "seeds"
MEANS = ("pm25", "pm10", "so2", "no2", "co")
MIN_HOURS_DAILY = 20
MIN_HOURS_8H = 6
MIN_WINDOWS_8H = 14


def o3_8h_limits(seeds_dir: Path = SEEDS) -> pl.DataFrame:
    """Grade II limit of the O3 daily max 8-h mean per period: valid_from, valid_to, limit."""
    limits = pl.read_csv(seeds_dir / "air_quality_limits.csv", try_parse_dates=True)
    return limits.filter((pl.col("pollutant") == "O3") & (pl.col("averaging") == "daily_max_8h")).select(
        "valid_from", "valid_to", pl.col("grade_ii").cast(pl.Float64).alias("o3_8h_limit")
    )


def daily_concentrations(hourly: pl.DataFrame, key: str = "area", seeds_dir: Path = SEEDS) -> pl.DataFrame:
    absent = [c for c in (*MEANS, "o3") if c not in hourly.columns]  # a source may lack a pollutant
    hourly = hourly.with_columns([pl.lit(None, pl.Float64).alias(c) for c in absent])
    with_day = hourly.with_columns(day=(pl.col("ts") - pl.duration(hours=1)).dt.date())
    # A full 24-hour grid per key x day, so that rolling windows count hours, not rows.
    grid = (
        with_day.select(key, "day").unique()
        .with_columns(hour=pl.int_ranges(1, 25))
        .explode("hour")
        .with_columns(ts=pl.col("day").cast(pl.Datetime("us")) + pl.duration(hours=pl.col("hour")))
    )
    full = grid.join(with_day.drop("day"), on=[key, "ts"], how="left").sort(key, "ts")
    windows = full.with_columns(
        o3_8h_window=pl.col("o3").rolling_mean(8, min_samples=MIN_HOURS_8H).over(key, "day")
    ).with_columns(
        # windows ending 08:00 ... 24:00 lie inside the natural day; earlier ones would need the previous day
        o3_8h_window=pl.when(pl.col("hour") >= 8).then(pl.col("o3_8h_window"))
    )
    daily = windows.group_by(key, "day").agg(
        *[pl.when(pl.col(c).count() >= MIN_HOURS_DAILY).then(pl.col(c).mean()).alias(c) for c in MEANS],
        pl.col("o3_8h_window").max().alias("o3_8h_max"),
        pl.col("o3_8h_window").count().alias("o3_8h_windows"),
        pl.col("o3").max().alias("o3_1h_max"),
        pl.col("o3").count().alias("o3_hours"),
        pl.any_horizontal(pl.col(*MEANS, "o3").is_not_null()).sum().alias("hours"),
    )
    limits = o3_8h_limits(seeds_dir).with_columns(pl.col("valid_to").fill_null(pl.date(9999, 12, 31)))
    with_limit = daily.join_where(
        limits,
        pl.col("day") >= pl.col("valid_from"),
        pl.col("day") <= pl.col("valid_to"),
    )
    return with_limit.with_columns(
        o3_8h=pl.when(
            (pl.col("o3_8h_windows") >= MIN_WINDOWS_8H) | (pl.col("o3_8h_max") > pl.col("o3_8h_limit"))
        ).then(pl.col("o3_8h_max"))
    ).select(key, "day", *MEANS, "o3_8h", "o3_1h_max", "o3_8h_windows", "hours").sort(key, "day")

"""Daily AQI per HJ 633 (2012 or 2026 by the day's date) of daily concentrations, with the primary pollutant(s).

The arithmetic runs in DuckDB (``daily_aqi.sql``) on the breakpoints seed; nothing here is a threshold.
Primary pollutant names: ``PM2.5, PM10, SO2, NO2, CO, O3_8h`` (``O3_1h`` when 2012 scores a day's O3 8-h above
800 by its 1-h maximum), ties joined by commas, none when AQI <= 50.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import duckdb
import polars as pl

from assets.forecast.daily_means import SEEDS

SQL = (Path(__file__).with_name("daily_aqi.sql")).read_text(encoding="utf-8")
# HJ 633-2026 (and GB 3095-2026) are in force from this date (STANDARDS §1); earlier days use HJ 633-2012.
HJ633_2026_FROM = dt.date(2026, 3, 1)


def standard_for(day: pl.Expr) -> pl.Expr:
    return pl.when(day < HJ633_2026_FROM).then(pl.lit("HJ 633-2012")).otherwise(pl.lit("HJ 633-2026"))


def daily_aqi(daily: pl.DataFrame, key: str = "area", seeds_dir: Path = SEEDS) -> pl.DataFrame:
    """``daily`` (from ``daily_concentrations``) with ``aqi``, ``primary_pollutant`` and ``standard`` added."""
    frame = daily.with_columns(standard=standard_for(pl.col("day")))
    con = duckdb.connect()
    try:
        con.register("_daily", frame.rename({key: "key"}).to_arrow())
        con.execute(
            "CREATE TABLE _breakpoints AS SELECT * FROM read_csv(?, header = true)",
            [str(seeds_dir / "aqi_breakpoints.csv")],
        )
        scored = con.sql(SQL).pl()
    finally:
        con.close()
    return frame.join(scored.rename({"key": key}), on=[key, "day", "standard"], how="left")

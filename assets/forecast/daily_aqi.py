"""Daily AQI per HJ 633 (2012 or 2026 by the day's date) of daily concentrations, with the primary pollutant(s).

The arithmetic runs in DuckDB (``daily_aqi.sql``) with the project's AQI macros and seeds (breakpoints, standards
and their switches, pollutants); nothing here is a threshold. 2012 days also score the O3 daily max 1-h value.
Primary pollutant names: ``PM2.5, PM10, SO2, NO2, CO, O3_8h`` (``O3_1h`` when 2012 scores a day's O3 8-h above
800 by its 1-h maximum), ties joined by commas, none when AQI <= 50.
"""

from __future__ import annotations

from pathlib import Path

import duckdb
import polars as pl

from assets.forecast.daily_means import SEEDS
from assets.sql_models.models import MACROS_DIR, create_macros

SQL = (Path(__file__).with_name("daily_aqi.sql")).read_text(encoding="utf-8")
SEED_TABLES = {"_breakpoints": "aqi_breakpoints", "_standards": "aqi_standards", "_pollutants": "pollutants"}


def daily_aqi(daily: pl.DataFrame, key: str = "area", seeds_dir: Path = SEEDS) -> pl.DataFrame:
    """``daily`` (from ``daily_concentrations``) with ``standard``, ``aqi`` and ``primary_pollutant`` added."""
    con = duckdb.connect()  # in memory: plain logic, no warehouse needed
    try:
        create_macros(con, MACROS_DIR)
        for table, seed in SEED_TABLES.items():
            con.execute(
                f"CREATE TABLE {table} AS SELECT * FROM read_csv(?, header = true)", [str(seeds_dir / f"{seed}.csv")]
            )
        con.register("_daily", daily.rename({key: "key"}).to_arrow())
        scored = con.sql(SQL).pl()
    finally:
        con.close()
    return daily.join(scored.rename({"key": key}), on=[key, "day"], how="left")

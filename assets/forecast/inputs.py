"""Forecast daily AQI per area for forecast.aqi_daily: from the generator, and from forecast CSV files.

Generator forecast: the generator's own future days (no injected faults), averaged per area, times a forecast error
that grows with lead time (log-normal, one factor per area x target day, reproducible from the seed), scored with
the HJ 633 daily method shared with the Open-Meteo forecast. So the warnings see the generator's episodes coming,
a little wrong, as real forecasts are.

Forecast CSV: ``issue_date, area, target_date`` and either ``aqi`` or concentrations (``pm25, pm10, so2, no2, co,
o3_8h``; AQI then computed by HJ 633), optional ``source``. Bad rows are reported by file, row and field and skipped.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from pathlib import Path

import numpy as np
import polars as pl

from assets.air.generator import GeneratorConfig, generate_air_day
from assets.alerts.notify.contacts import area_provinces
from assets.catalog.stations import active_stations
from assets.forecast.daily_aqi import daily_aqi
from assets.http_sources.open_meteo_sources import score_forecasts

GENERATOR_SOURCE = "generator"
POLLUTANTS = ("pm25", "pm10", "so2", "no2", "o3", "co")
CONCENTRATIONS = ("pm25", "pm10", "so2", "no2", "co", "o3_8h")
ERROR_SIGMA_DAY1 = 0.12  # log-scale error of a 1-day-ahead forecast ...
ERROR_SIGMA_PER_DAY = 0.05  # ... growing by this per extra day of lead time


def generator_forecast(catalog: pl.DataFrame, issue_date: dt.date, days: int, seed: int) -> pl.DataFrame:
    """Forecast rows issued on ``issue_date`` for ``issue_date .. issue_date + days - 1``."""
    return generator_forecasts(catalog, [issue_date], days, seed)


def generator_forecasts(catalog: pl.DataFrame, issue_dates: list[dt.date], days: int, seed: int) -> pl.DataFrame:
    """The forecasts of several issue dates at once (a run's days): each generated day is generated once, however
    many forecasts it enters, and every forecast is scored in one pass."""
    stations = active_stations(catalog)
    areas = stations.select(pl.col("code").alias("station_code"), "area")
    # the next day's batch carries the 24:00 label that closes the last natural day
    needed = sorted({issue + dt.timedelta(days=i) for issue in issue_dates for i in range(days + 1)})
    generated = {day: generate_air_day(stations, day, GeneratorConfig(seed, 0.0))[0] for day in needed}
    noisy = []
    for issue in issue_dates:
        hourly = (
            pl.concat([generated[issue + dt.timedelta(days=i)] for i in range(days + 1)])
            .join(areas, on="station_code")
            .group_by("area", "ts")
            .agg([pl.col(p).mean() for p in POLLUTANTS])
            .with_columns(target=(pl.col("ts") - pl.duration(hours=1)).dt.date())
        )
        errors = _forecast_errors(hourly["area"].unique().sort().to_list(), issue, days + 1, seed)
        noisy.append(
            hourly.join(errors, on=["area", "target"], how="left")
            .with_columns([pl.col(p) * pl.col("factor") for p in POLLUTANTS], issue_date=pl.lit(issue))
            .drop("factor", "target")
        )
    return score_forecasts(pl.concat(noisy), days, GENERATOR_SOURCE)


def _forecast_errors(areas: list[str], issue_date: dt.date, days: int, seed: int) -> pl.DataFrame:
    """One log-normal factor per area x target day. The random part is drawn per (area, target day), not per issue,
    and scaled by the lead time: successive forecasts of a day agree and converge on it, as real ones do."""
    rows = []
    for area in areas:
        digest = int.from_bytes(hashlib.sha256(area.encode()).digest()[:8], "little")
        for lead in range(days):
            target = issue_date + dt.timedelta(days=lead)
            z = np.random.default_rng([seed, target.toordinal(), digest, 41]).normal()
            sigma = ERROR_SIGMA_DAY1 + ERROR_SIGMA_PER_DAY * lead
            rows.append((area, target, float(np.exp(sigma * z))))
    return pl.DataFrame(rows, schema={"area": pl.String, "target": pl.Date, "factor": pl.Float64}, orient="row")


def read_forecast_csv(path: Path | str, default_source: str = "file") -> tuple[pl.DataFrame, list[dict]]:
    """Rows ready for forecast.aqi_daily (minus load_partition) and the problems found (file, row, field, message)."""
    path = Path(path)
    raw = pl.read_csv(path, infer_schema=False, encoding="utf8-lossy").with_row_index("row", offset=2)
    problems: list[dict] = []
    missing = {"issue_date", "area", "target_date"} - set(raw.columns)
    if missing or not ({"aqi"} | set(CONCENTRATIONS)) & set(raw.columns):
        need = sorted(missing) or ["aqi or concentrations"]
        raise ValueError(f"{path}: missing column(s) {', '.join(need)}")
    for col in ("aqi", *CONCENTRATIONS, "source"):
        if col not in raw.columns:
            raw = raw.with_columns(pl.lit(None, pl.String).alias(col))
    typed = raw.with_columns(
        pl.col("issue_date", "target_date").str.strip_chars().str.to_date("%Y-%m-%d", strict=False),
        pl.col("area").str.strip_chars(),
        pl.col("aqi", *CONCENTRATIONS).str.strip_chars().cast(pl.Float64, strict=False),
        pl.col("source").fill_null(default_source),
    )
    checks = {
        "issue_date": pl.col("issue_date").is_null(),
        "target_date": pl.col("target_date").is_null() | (pl.col("target_date") < pl.col("issue_date")),
        "area": ~pl.col("area").is_in(list(area_provinces())),
        "aqi": pl.all_horizontal(pl.col("aqi", *CONCENTRATIONS).is_null())
        | (pl.col("aqi") < 0)
        | (pl.col("aqi") > 500),
    }
    bad = pl.lit(False)
    for field, condition in checks.items():
        condition = condition.fill_null(False)  # a missing aqi beside concentrations is fine
        for row in typed.filter(condition).iter_rows(named=True):
            original = raw.filter(pl.col("row") == row["row"]).row(0, named=True)
            problems.append(
                {
                    "file": str(path),
                    "row": row["row"],
                    "field": field,
                    "message": f"unusable value {original.get(field)!r}",
                }
            )
        bad = bad | condition
    good = typed.filter(~bad)
    to_score = good.filter(pl.col("aqi").is_null())
    if to_score.height:  # concentrations only: the HJ 633 daily AQI, as for any other forecast
        frame = to_score.select(
            pl.col("row").cast(pl.String).alias("key"),
            pl.col("target_date").alias("day"),
            *CONCENTRATIONS,
            pl.lit(None, pl.Float64).alias("o3_1h_max"),
        )
        scored = daily_aqi(frame, key="key").select(
            pl.col("key").cast(pl.UInt32).alias("row"),
            pl.col("aqi").alias("aqi_scored"),
            "primary_pollutant",
            "standard",
        )
        good = good.join(scored, on="row", how="left").with_columns(pl.col("aqi").fill_null(pl.col("aqi_scored")))
    else:
        good = good.with_columns(primary_pollutant=pl.lit(None, pl.String), standard=pl.lit(None, pl.String))
    rows = good.select(
        "issue_date",
        "area",
        "target_date",
        pl.col("aqi").round(0).cast(pl.Int32),
        "primary_pollutant",
        *CONCENTRATIONS,
        "standard",
        "source",
    )
    return rows, problems

"""Open-Meteo as an air source (modelled observations) and as a forecast source (forecast daily AQI per area).

Modelled rows never enter ``staging.air_hourly``: they go to ``staging.air_modelled_hourly`` (per area, not per
station), so they never count toward data capture, compliance or the station marts.
"""

from __future__ import annotations

import datetime as dt

import polars as pl

from assets.air.sources import TIDY_SCHEMA, AirBatch, SourceOptions
from assets.forecast.daily_aqi import daily_aqi, daily_concentrations
from assets.http_sources.client import HttpClient
from assets.http_sources.open_meteo import DEFAULT_URL, SOURCE, fetch_hourly

MODELLED_TABLE = "staging.air_modelled_hourly"
FORECAST_COLUMNS = (
    "issue_date",
    "area",
    "target_date",
    "aqi",
    "primary_pollutant",
    "pm25",
    "pm10",
    "so2",
    "no2",
    "co",
    "o3_8h",
    "standard",
    "source",
)


def natural_day(day: dt.date) -> pl.Expr:
    start = dt.datetime.combine(day, dt.time(1))
    return pl.col("ts").is_between(start, start + dt.timedelta(hours=23))


def open_meteo_source(
    day: dt.date, stations: pl.DataFrame, options: SourceOptions, client: HttpClient | None = None
) -> AirBatch:
    """The natural day's modelled hourly concentrations per area (the 24:00 label is on the next date)."""
    client = client or HttpClient.within(SOURCE, options.http)
    hourly, problems = fetch_hourly(
        client, options.openmeteo_url or DEFAULT_URL, stations, day, day + dt.timedelta(days=1)
    )
    modelled = hourly.filter(natural_day(day)).with_columns(source=pl.lit(SOURCE))
    return AirBatch(
        rows=pl.DataFrame(schema=TIDY_SCHEMA),  # modelled, not measured: no station rows
        problems=problems,
        side_tables={MODELLED_TABLE: modelled},
        measured=False,
        summary={"modelled_rows": modelled.height, "areas": modelled["area"].n_unique(), "retries": len(client.waits)},
    )


def open_meteo_forecast(
    issue_date: dt.date, stations: pl.DataFrame, base_url: str, days: int, client: HttpClient | None = None
) -> tuple[pl.DataFrame, list[dict]]:
    """Forecast daily AQI per area for the target dates issue_date .. issue_date + days - 1 (HJ 633 daily method)."""
    client = client or HttpClient(SOURCE)
    last = issue_date + dt.timedelta(days=days - 1)
    # one more date for the 24:00 label that closes the last natural day
    hourly, problems = fetch_hourly(client, base_url or DEFAULT_URL, stations, issue_date, last + dt.timedelta(days=1))
    return forecast_rows(hourly, issue_date, last), problems


def forecast_rows(hourly: pl.DataFrame, issue_date: dt.date, last: dt.date, source: str = SOURCE) -> pl.DataFrame:
    days = (last - issue_date).days + 1
    return score_forecasts(hourly.with_columns(issue_date=pl.lit(issue_date)), days, source)


def score_forecasts(hourly: pl.DataFrame, days: int, source: str) -> pl.DataFrame:
    """Hourly area forecasts of one or more issue dates (``issue_date, area, ts, <pollutants>``) -> the daily AQI of
    each issue's target dates ``issue_date .. issue_date + days - 1``, all issues scored in one pass (an issue and
    its area together play one station)."""
    key = pl.concat_str(pl.col("issue_date").cast(pl.String), pl.lit("|"), pl.col("area")).alias("forecast")
    keyed = hourly.with_columns(key)
    daily = (
        daily_concentrations(keyed.drop("issue_date", "area"), key="forecast")
        .join(keyed.select("forecast", "issue_date", "area").unique(), on="forecast")
        .filter(pl.col("day").is_between(pl.col("issue_date"), pl.col("issue_date") + pl.duration(days=days - 1)))
    )
    scored = daily_aqi(daily, key="forecast")
    return scored.select(
        "issue_date",
        "area",
        pl.col("day").alias("target_date"),
        pl.col("aqi").cast(pl.Int32),
        "primary_pollutant",
        "pm25",
        "pm10",
        "so2",
        "no2",
        "co",
        "o3_8h",
        "standard",
        pl.lit(source).alias("source"),
    ).sort("issue_date", "area", "target_date")

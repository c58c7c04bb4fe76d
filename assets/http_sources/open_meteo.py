"""Open-Meteo air-quality API (CAMS models, keyless): modelled hourly concentrations per area, past and forecast.

- One request per area, at the centroid of the area's in-service stations (the catalog), for
  ``pm2_5, pm10, ozone, nitrogen_dioxide, sulphur_dioxide, carbon_monoxide`` with ``timezone=Asia/Shanghai``.
- Units: all ug/m3 on the API; CO is converted to mg/m3 (/1000). A variable in any other unit is dropped for that
  area and reported (the other pollutants are kept).
- Time: the API's hourly value at T is the model state at the instant T. We label it as the hour *ending* at T
  (our convention, STANDARDS §3) without shifting: the instantaneous value at the end of the hour stands for that
  hour's mean. A response in another time zone (``utc_offset_seconds`` != 28800) is converted to CST.
- Failures are per area: an area whose request or payload fails is reported, the others are kept; once the run's
  deadline is spent (no answer within ENVMON_HTTP_DEADLINE), the remaining areas are not asked and the fetch fails.
"""

from __future__ import annotations

import datetime as dt

import polars as pl

from assets.http_sources.client import HttpClient, HttpDeadlineError, HttpSourceError, redact_url

SOURCE = "open_meteo"
DEFAULT_URL = "https://air-quality-api.open-meteo.com"
PATH = "/v1/air-quality"
CST_OFFSET_SECONDS = 8 * 3600
VARIABLES = {  # API variable -> our column
    "pm2_5": "pm25",
    "pm10": "pm10",
    "sulphur_dioxide": "so2",
    "nitrogen_dioxide": "no2",
    "ozone": "o3",
    "carbon_monoxide": "co",
}
MICROGRAMS = {"μg/m³", "µg/m³", "ug/m3", "ug/m³"}  # Greek mu and micro sign both occur
HOURLY_SCHEMA = {"area": pl.String, "ts": pl.Datetime("us"), **{c: pl.Float64 for c in VARIABLES.values()}}


def area_centroids(catalog: pl.DataFrame) -> pl.DataFrame:
    """One point per area: the mean position of its in-service stations."""
    return (
        catalog.filter(pl.col("in_service"))
        .group_by("area")
        .agg(pl.col("lat").mean().round(4), pl.col("lon").mean().round(4))
        .sort("area")
    )


def parse_hourly(payload: object, area: str, where: str) -> tuple[pl.DataFrame, list[dict]]:
    """One area's response -> hourly rows (CST end-of-hour labels) and the problems met."""
    if not isinstance(payload, dict) or not isinstance(payload.get("hourly"), dict):
        raise ValueError(f"{where}: no 'hourly' object in the response")
    hourly, units = payload["hourly"], payload.get("hourly_units") or {}
    times = hourly.get("time") or []
    problems: list[dict] = []
    columns: dict[str, list] = {}
    for variable, column in VARIABLES.items():
        values, unit = hourly.get(variable), units.get(variable)
        if values is None:
            problems.append(_problem(where, area, variable, "not in the response: left empty"))
        elif unit not in MICROGRAMS:
            problems.append(_problem(where, area, variable, f"unexpected unit {unit!r} (expected ug/m3): dropped"))
        elif len(values) != len(times):
            problems.append(_problem(where, area, variable, f"{len(values)} values for {len(times)} times: dropped"))
        else:
            columns[column] = values
    offset = int(payload.get("utc_offset_seconds", CST_OFFSET_SECONDS))
    frame = pl.DataFrame(
        {"time": pl.Series(times, dtype=pl.String), **columns}, schema_overrides={c: pl.Float64 for c in columns}
    )
    frame = frame.select(
        pl.lit(area).alias("area"),
        (
            pl.col("time").str.to_datetime("%Y-%m-%dT%H:%M", time_unit="us")
            + pl.duration(seconds=CST_OFFSET_SECONDS - offset)
        ).alias("ts"),
        *[pl.col(c) if c in columns else pl.lit(None, pl.Float64).alias(c) for c in VARIABLES.values()],
    ).with_columns(pl.col("co") / 1000.0)  # ug/m3 -> mg/m3
    return frame.cast(HOURLY_SCHEMA), problems


def fetch_hourly(
    client: HttpClient, base_url: str, catalog: pl.DataFrame, start: dt.date, end: dt.date
) -> tuple[pl.DataFrame, list[dict]]:
    """Hourly modelled concentrations of every area for the dates start..end (inclusive, CST)."""
    url = base_url.rstrip("/") + PATH
    frames, problems = [], []
    for area, lat, lon in area_centroids(catalog).select("area", "lat", "lon").iter_rows():
        params = {
            "latitude": lat,
            "longitude": lon,
            "hourly": ",".join(VARIABLES),
            "timezone": "Asia/Shanghai",
            "start_date": start.isoformat(),
            "end_date": end.isoformat(),
        }
        where = redact_url(url, params)
        try:
            frame, found = parse_hourly(client.get_json(url, params), area, where)
        except HttpDeadlineError:  # the run has given up on its live sources: the other areas are not asked
            raise
        except (HttpSourceError, ValueError, pl.exceptions.PolarsError) as exc:
            problems.append(_problem(where, area, "", f"area skipped: {exc}"))
            continue
        if frame.height == 0:
            found.append(_problem(where, area, "time", "empty result: the API returned no hours"))
        frames.append(frame)
        problems += found
    rows = pl.concat(frames) if frames else pl.DataFrame(schema=HOURLY_SCHEMA)
    if not frames and problems:
        raise HttpSourceError(SOURCE, url, f"no area could be read; first problem: {problems[0]['message']}")
    return rows, problems


def _problem(where: str, area: str, field: str, message: str) -> dict:
    return {"file": where, "row": area, "field": field, "message": message}

"""OpenAQ API v3 (key in ENVMON_OPENAQ_API_KEY): the region's locations, their sensors, hourly values.

- Locations: ``/v3/locations?bbox=`` over the catalog's extent (+ a margin), every page. Sensors come inline.
- Hourly values: ``/v3/sensors/{id}/hours`` for the day, every page. ``period.datetimeTo`` (UTC) is the end of
  the averaging hour: converted to CST it is our label (STANDARDS §3).
- Units -> ours at the reference state of GB 3095 since 2018 (298.15 K, 101.325 kPa; molar volume 24.465 L/mol):
  ug/m3 = ppb x M / 24.465 and ppm x 1000 x M / 24.465; CO in mg/m3. A sensor in any other unit is skipped and
  reported; its location's other sensors are kept.
- Each location is mapped to the nearest catalog station within ``MATCH_KM``; an unmatched one keeps the code
  ``OPENAQ-<id>``, so its rows are quarantined as "not in the catalog" (kept, reported, never silently dropped).
"""

from __future__ import annotations

import datetime as dt

import polars as pl

from assets.air.sources import TIDY_SCHEMA, AirBatch, SourceOptions
from assets.http_sources.client import HttpClient, HttpDeadlineError, HttpSourceError

SOURCE = "openaq"
DEFAULT_URL = "https://api.openaq.org"
KEY_VARIABLE = "ENVMON_OPENAQ_API_KEY"  # where the key comes from (assets/settings.py): named in errors
MATCH_KM = 1.0  # ENVMON_OPENAQ_MATCH_KM's default
BBOX_MARGIN_DEG = 0.1
PAGE_LIMIT = 1000
MOLAR_VOLUME = 24.465  # L/mol at 298.15 K and 101.325 kPa
MOLAR_MASS = {"so2": 64.066, "no2": 46.0055, "o3": 47.9982, "co": 28.0101}
PARAMETERS = ("pm25", "pm10", "so2", "no2", "o3", "co")


def unit_factor(parameter: str, unit: str) -> float | None:
    """Multiplier from an OpenAQ unit to ours (ug/m3; CO mg/m3), None when the unit is not understood."""
    u = unit.replace("μ", "µ").replace(" ", "").lower()
    mass = {"µg/m³": 1.0, "ug/m3": 1.0, "µg/m3": 1.0, "mg/m³": 1000.0, "mg/m3": 1000.0}
    if u in mass:
        ug = mass[u]
    elif u in ("ppb", "ppm") and parameter in MOLAR_MASS:
        ug = MOLAR_MASS[parameter] / MOLAR_VOLUME * (1.0 if u == "ppb" else 1000.0)
    else:
        return None
    return ug / 1000.0 if parameter == "co" else ug


def paged(client: HttpClient, url: str, params: dict, limit: int) -> list[dict]:
    """Every result of a paged v3 endpoint (pages until one comes back short; ``meta.found`` can be ">1000")."""
    results, page = [], 1
    while True:
        payload = client.get_json(url, {**params, "limit": limit, "page": page})
        if not isinstance(payload, dict) or not isinstance(payload.get("results"), list):
            raise HttpSourceError(SOURCE, url, f"page {page}: no 'results' list in the response")
        results += payload["results"]
        if len(payload["results"]) < limit:
            return results
        page += 1


def sensors_of(locations: list[dict]) -> pl.DataFrame:
    rows = [
        {
            "location_id": loc["id"],
            "location": loc.get("name"),
            "lat": (loc.get("coordinates") or {}).get("latitude"),
            "lon": (loc.get("coordinates") or {}).get("longitude"),
            "sensor_id": s["id"],
            "parameter": s["parameter"]["name"],
            "unit": s["parameter"].get("units") or "",
        }
        for loc in locations
        for s in loc.get("sensors") or []
    ]
    schema = {
        "location_id": pl.Int64,
        "location": pl.String,
        "lat": pl.Float64,
        "lon": pl.Float64,
        "sensor_id": pl.Int64,
        "parameter": pl.String,
        "unit": pl.String,
    }
    return pl.DataFrame(rows, schema=schema)


def match_locations(sensors: pl.DataFrame, catalog: pl.DataFrame, max_km: float = MATCH_KM) -> pl.DataFrame:
    """location_id -> nearest catalog station (haversine) and distance; unmatched -> ``OPENAQ-<id>``."""
    locs = sensors.select("location_id", "location", "lat", "lon").unique("location_id")
    pairs = locs.join(catalog.select("code", pl.col("lat").alias("s_lat"), pl.col("lon").alias("s_lon")), how="cross")
    rad = 3.141592653589793 / 180
    a = ((pl.col("s_lat") - pl.col("lat")) * rad / 2).sin() ** 2 + (pl.col("lat") * rad).cos() * (
        pl.col("s_lat") * rad
    ).cos() * ((pl.col("s_lon") - pl.col("lon")) * rad / 2).sin() ** 2
    nearest = (
        pairs.with_columns(km=2 * 6371.0 * a.sqrt().arcsin())
        .sort("km")
        .group_by("location_id", maintain_order=True)
        .first()
    )
    return nearest.select(
        "location_id",
        "location",
        "lat",
        "lon",
        pl.col("code").alias("nearest_station"),
        pl.col("km").round(3),
        pl.when(pl.col("km") <= max_km)
        .then(pl.col("code"))
        .otherwise(pl.format("OPENAQ-{}", pl.col("location_id")))
        .alias("station_code"),
    )


def parse_hours(results: list[dict]) -> pl.DataFrame:
    """Hourly results -> (ts CST end of hour, value in the sensor's unit)."""
    ends = [((r.get("period") or {}).get("datetimeTo") or {}).get("utc") for r in results]
    frame = pl.DataFrame(
        {
            "end_utc": pl.Series(ends, dtype=pl.String),
            "value": pl.Series([r.get("value") for r in results], dtype=pl.Float64),
        }
    )
    return frame.select(
        (
            pl.col("end_utc")
            .str.to_datetime(time_zone="UTC", time_unit="us")
            .dt.convert_time_zone("Asia/Shanghai")
            .dt.replace_time_zone(None)
        ).alias("ts"),
        "value",
    )


def openaq_source(
    day: dt.date,
    stations: pl.DataFrame,
    options: SourceOptions,
    client: HttpClient | None = None,
    page_limit: int = PAGE_LIMIT,
) -> AirBatch:
    key = options.openaq_api_key
    if not key:
        raise HttpSourceError(SOURCE, options.openaq_url or DEFAULT_URL, f"no API key: set {KEY_VARIABLE}")
    client = client or HttpClient.within(SOURCE, options.http)
    client.headers = {**client.headers, "X-API-Key": key}
    base = (options.openaq_url or DEFAULT_URL).rstrip("/")
    bbox = ",".join(
        f"{v:.4f}"
        for v in (
            stations["lon"].min() - BBOX_MARGIN_DEG,
            stations["lat"].min() - BBOX_MARGIN_DEG,
            stations["lon"].max() + BBOX_MARGIN_DEG,
            stations["lat"].max() + BBOX_MARGIN_DEG,
        )
    )
    locations = paged(client, f"{base}/v3/locations", {"bbox": bbox}, page_limit)
    sensors = sensors_of(locations).filter(pl.col("parameter").is_in(PARAMETERS))
    matched = match_locations(sensors, stations, options.openaq_match_km) if sensors.height else pl.DataFrame()
    problems = [
        {
            "file": f"{base}/v3/locations",
            "row": f"location {r['location_id']} {r['location']}",
            "field": "coordinates",
            "message": f"no catalog station within {options.openaq_match_km} km "
            f"(nearest {r['nearest_station']} at {r['km']} km): "
            f"rows kept as {r['station_code']} and quarantined",
        }
        for r in (
            matched.filter(pl.col("station_code").str.starts_with("OPENAQ-")).iter_rows(named=True)
            if matched.height
            else []
        )
    ]
    start = dt.datetime.combine(day, dt.time(0)) - dt.timedelta(hours=8)  # CST 00:00 .. 24:00 in UTC
    window = {
        "datetime_from": start.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "datetime_to": (start + dt.timedelta(days=1)).strftime("%Y-%m-%dT%H:%M:%SZ"),
    }
    frames = []
    for s in sensors.iter_rows(named=True):
        url = f"{base}/v3/sensors/{s['sensor_id']}/hours"
        factor = unit_factor(s["parameter"], s["unit"])
        if factor is None:
            problems.append(
                {
                    "file": url,
                    "row": f"sensor {s['sensor_id']}",
                    "field": s["parameter"],
                    "message": f"unexpected unit {s['unit']!r}: sensor skipped",
                }
            )
            continue
        try:
            hours = parse_hours(paged(client, url, window, page_limit))
        except HttpDeadlineError:  # the run has given up on its live sources: the other sensors are not asked
            raise
        except (HttpSourceError, pl.exceptions.PolarsError) as exc:
            problems.append(
                {
                    "file": url,
                    "row": f"sensor {s['sensor_id']}",
                    "field": s["parameter"],
                    "message": f"sensor skipped: {exc}",
                }
            )
            continue
        frames.append(
            hours.with_columns(
                location_id=pl.lit(s["location_id"]), parameter=pl.lit(s["parameter"]), value=pl.col("value") * factor
            )
        )
    if not frames:
        return AirBatch(
            rows=pl.DataFrame(schema=TIDY_SCHEMA),
            problems=problems,
            summary={"locations": len(locations), "sensors": sensors.height},
        )
    long = pl.concat(frames).join(matched.select("location_id", "station_code"), on="location_id")
    # two sensors of one parameter at a location (or two locations on one station): their mean
    wide = long.pivot(on="parameter", index=["station_code", "ts"], values="value", aggregate_function="mean")
    rows = wide.with_columns([pl.lit(None, pl.Float64).alias(p) for p in PARAMETERS if p not in wide.columns])
    rows = rows.select(pl.col("station_code"), "ts", pl.col("pm25"), "pm10", "so2", "no2", "o3", "co").cast(TIDY_SCHEMA)
    return AirBatch(
        rows=rows.sort("station_code", "ts"),
        problems=problems,
        summary={
            "locations": len(locations),
            "sensors": sensors.height,
            "matched_locations": matched.filter(~pl.col("station_code").str.starts_with("OPENAQ-")).height,
        },
    )

"""The national live-feed layout (实时发布), JSON or CSV, from ENVMON_LIVEFEED_URL, a file, or a folder of
saved snapshots.

Fields: ``timepoint, stationcode, positionname, area, aqi, primarypollutant, pm2_5, pm2_5_24h, pm10, pm10_24h,
o3, o3_24h, o3_8h, o3_8h_24h, no2, no2_24h, so2, so2_24h, co, co_24h, …`` (ug/m3, CO mg/m3; timepoint = end of
the hour, CST). Missing values are written ``-;``, ``—``, ``-`` or left empty. Unparsable values are reported by
file, row and field and left empty; the row is kept.

**o3 / o3_24h swap.** Some public archives of this feed have ``o3`` and ``o3_24h`` swapped. ``o3_24h`` is the
maximum of the 1-h values over the last 24 hours, so it can never be below the current 1-h value. Rule: a row
with ``o3 > o3_24h`` is swapped back (both values present); every such row is reported and counted.

The 1-h values go to staging.air_hourly; the platform's own figures (AQI, 24-h means, O3 8-h) to
staging.air_hourly_published, as for the national archive. A folder's rows outside the partition's natural day
are left to the other partitions' runs (counted, not loaded twice).
"""

from __future__ import annotations

import datetime as dt
import io
import json
from pathlib import Path

import polars as pl

from assets.air.sources import TIDY_SCHEMA, AirBatch, SourceOptions
from assets.air.unknown_stations import unknown_stations_problem
from assets.http_sources.client import HttpClient, HttpSourceError, redact, redact_url
from assets.ingest.files import as_number
from assets.ingest.symlinks import check_input, link_problem

SOURCE = "livefeed"
PUBLISHED_TABLE = "staging.air_hourly_published"
MISSING = ["-;", "—", "-", "--", "", "NA", "null"]
HOURLY = {"pm2_5": "pm25", "pm10": "pm10", "so2": "so2", "no2": "no2", "o3": "o3", "co": "co"}
PUBLISHED = {
    "aqi": "aqi",
    "pm2_5_24h": "pm25_24h",
    "pm10_24h": "pm10_24h",
    "so2_24h": "so2_24h",
    "no2_24h": "no2_24h",
    "o3_24h": "o3_24h",
    "o3_8h": "o3_8h",
    "o3_8h_24h": "o3_8h_24h",
    "co_24h": "co_24h",
}
TIME_FORMATS = ("%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M")


def parse_records(text: str, name: str) -> pl.DataFrame:
    """JSON (a list of records, or an object with one under ``data``) or CSV -> all-string frame."""
    stripped = text.lstrip("\ufeff").lstrip()
    if stripped.startswith(("[", "{")):
        try:
            payload = json.loads(stripped)
        except ValueError as exc:
            raise ValueError(f"{name}: malformed JSON: {exc}") from None
        records = payload.get("data", payload.get("records")) if isinstance(payload, dict) else payload
        if not isinstance(records, list):
            raise ValueError(f"{name}: expected a list of records (or one under 'data')")
        frame = pl.DataFrame(
            [
                {k.strip().lower(): None if v is None else str(v) for k, v in r.items()}
                for r in records
                if isinstance(r, dict)
            ],
            infer_schema_length=None,
        )
    else:
        frame = pl.read_csv(io.StringIO(stripped), infer_schema=False)
        frame = frame.rename({c: c.strip().lower() for c in frame.columns})
    if frame.height and {"timepoint", "stationcode"} - set(frame.columns):
        raise ValueError(f"{name}: not the live-feed layout (needs timepoint and stationcode)")
    return frame


def normalise(raw: pl.DataFrame, name: str) -> tuple[pl.DataFrame, list[dict]]:
    """Typed rows (tidy + published columns), the problems, and the o3/o3_24h swap repaired."""
    columns = [*HOURLY, *PUBLISHED]
    raw = raw.with_columns(
        [pl.lit(None, pl.String).alias(c) for c in ("timepoint", "stationcode", *columns) if c not in raw.columns]
    )
    raw = raw.with_row_index("row", offset=1).with_columns(
        pl.col(c).str.strip_chars().replace(MISSING, None) for c in columns
    )
    typed = raw.with_columns(
        pl.coalesce(
            [
                pl.col("timepoint").str.strip_chars().str.strptime(pl.Datetime("us"), f, strict=False)
                for f in TIME_FORMATS
            ]
        ).alias("ts"),
        *[as_number(pl.col(c)).alias(f"{c}__v") for c in columns],  # inf, nan, 1e999: unparsable
    )
    problems = []
    for c in columns:  # present but not a number (vectorised: only the bad cells come back)
        bad = typed.filter(pl.col(c).is_not_null() & pl.col(f"{c}__v").is_null()).select("row", c)
        problems += [
            {"file": name, "row": r, "field": c, "message": f"not a number: {v!r} (left empty)"}
            for r, v in bad.iter_rows()
        ]
    bad_ts = typed.filter(pl.col("ts").is_null()).select("row", "timepoint")
    problems += [
        {"file": name, "row": r, "field": "timepoint", "message": f"unreadable time {v!r}"}
        for r, v in bad_ts.iter_rows()
    ]
    swapped = pl.col("o3__v") > pl.col("o3_24h__v")
    problems += [
        {"file": name, "row": r, "field": "o3,o3_24h", "message": "o3 > o3_24h: values swapped back"}
        for (r,) in typed.filter(swapped.fill_null(False)).select("row").iter_rows()
    ]
    fixed = typed.with_columns(
        pl.when(swapped).then(pl.col("o3_24h__v")).otherwise(pl.col("o3__v")).alias("o3__v"),
        pl.when(swapped).then(pl.col("o3__v")).otherwise(pl.col("o3_24h__v")).alias("o3_24h__v"),
        swapped.fill_null(False).alias("o3_swapped"),
    )
    out = fixed.select(
        pl.col("stationcode").str.strip_chars().alias("station_code"),
        "ts",
        *[pl.col(f"{c}__v").alias(HOURLY[c]) for c in HOURLY],
        *[pl.col(f"{c}__v").alias(PUBLISHED[c] + "__pub") for c in PUBLISHED],
        "o3_swapped",
    )
    return out, problems


def read_inputs(options: SourceOptions, client: HttpClient) -> list[tuple[str, str | None, str]]:
    """(name, text, problem) of every input: the file, the folder's *.json/*.csv, or the URL's body. A symbolic link
    that may not be followed is not read: its text is None and the problem says why."""
    if options.input_path:
        path = check_input(options.input_path)
        files = sorted(p for p in path.iterdir() if p.suffix.lower() in (".json", ".csv")) if path.is_dir() else [path]
        return [
            (str(p), None, link)
            if (link := link_problem(p))
            else (str(p), p.read_text(encoding="utf-8", errors="replace"), "")
            for p in files
        ]
    if options.livefeed_url:
        response = client.get(options.livefeed_url)
        return [(options.livefeed_url, redact(response.content.decode("utf-8", errors="replace")), "")]
    raise HttpSourceError(SOURCE, "", "no input: set ENVMON_LIVEFEED_URL or --input FILE|FOLDER")


def livefeed_source(
    day: dt.date, stations: pl.DataFrame, options: SourceOptions, client: HttpClient | None = None
) -> AirBatch:
    client = client or HttpClient.within(SOURCE, options.http)
    frames, problems = [], []
    for name, text, refused in read_inputs(options, client):
        if text is None:
            problems.append({"file": name, "row": "", "field": "", "message": f"file skipped: {refused}"})
            continue
        try:
            rows, found = normalise(parse_records(text, name), name)
        except (ValueError, pl.exceptions.PolarsError) as exc:  # one bad file never stops the others
            problems.append({"file": name, "row": "", "field": "", "message": f"file skipped: {exc}"})
            continue
        frames.append(rows)
        problems += found
    if not frames:
        if problems:
            raise HttpSourceError(SOURCE, problems[0]["file"], problems[0]["message"])
        return AirBatch(rows=pl.DataFrame(schema=TIDY_SCHEMA))
    everything = pl.concat(frames, how="diagonal_relaxed")
    start = dt.datetime.combine(day, dt.time(1))
    in_day = pl.col("ts").is_between(start, start + dt.timedelta(hours=23)) | pl.col("ts").is_null()
    folder = bool(options.input_path) and Path(options.input_path).is_dir()
    rows = everything.filter(in_day) if folder else everything
    published = rows.filter(pl.col("station_code").is_in(stations["code"].implode()) & pl.col("ts").is_not_null())
    inputs = options.input_path or redact_url(options.livefeed_url)
    unknown = unknown_stations_problem(
        rows.filter(pl.col("station_code").is_not_null()).select("station_code", "ts"),
        stations["code"],
        inputs,
        "in quarantine.rejected_rows",
    )
    problems = ([unknown] if unknown else []) + problems
    return AirBatch(
        rows=rows.select(list(TIDY_SCHEMA)).cast(TIDY_SCHEMA),
        problems=problems,
        side_tables={
            PUBLISHED_TABLE: published.select(
                "station_code", "ts", *[pl.col(c + "__pub").alias(c) for c in PUBLISHED.values()]
            )
        },
        summary={
            "files": len(frames),
            "rows_read": everything.height,
            "o3_swapped_rows": int(rows["o3_swapped"].sum()),
            "rows_of_other_days": everything.height - rows.height,
        },
    )

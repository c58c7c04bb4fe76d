"""Air sources are adapters behind one tidy schema.

Each adapter turns one day of whatever it reads into an ``AirBatch``: hourly rows
``station_code, ts, pm25, pm10, so2, no2, o3, co`` (ug/m3, CO mg/m3, ts = end of hour in China Standard Time)
plus the problems it met on the way (file, row, field, message) and any side tables it keeps. Format quirks stay
inside the adapter. New adapters register themselves in ``AIR_SOURCES``.
"""

from __future__ import annotations

import datetime as dt
import importlib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import polars as pl

from assets.air.archive import PUBLISHED_TABLE, read_archive_day
from assets.air.generator import GeneratorConfig, generate_air_day
from assets.catalog.stations import active_stations
from assets.http_sources.deadline import HttpLimits

TIDY_SCHEMA = {
    "station_code": pl.String,
    "ts": pl.Datetime("us"),
    "pm25": pl.Float64,
    "pm10": pl.Float64,
    "so2": pl.Float64,
    "no2": pl.Float64,
    "o3": pl.Float64,
    "co": pl.Float64,
}


@dataclass
class AirBatch:
    rows: pl.DataFrame
    problems: list[dict] = field(default_factory=list)  # {"file", "row", "field", "message"}
    side_tables: dict[str, pl.DataFrame] = field(default_factory=dict)  # staging table name -> rows
    summary: dict[str, object] = field(default_factory=dict)  # adapter-specific counts for the asset's metadata
    # False for modelled sources (Open-Meteo): their values are in side tables only, and a run of such a source
    # must leave the partition's station readings as they are.
    measured: bool = True
    # file sources: the cells that could not be read (file, row_number, field, key, ts, parameter, original, reason),
    # the lines kept out (file, row_number, record, reasons), the files read (kept under raw/) and the files that
    # could not be read (path, reason: copied to rejected/)
    rejected_values: pl.DataFrame | None = None
    rejected_lines: pl.DataFrame | None = None
    source_files: list[Path] = field(default_factory=list)
    unreadable: list[tuple[Path, str]] = field(default_factory=list)


@dataclass(frozen=True)
class SourceOptions:
    input_path: str = ""
    seed: int = 2023
    fault_rate: float = 0.003
    openmeteo_url: str = ""  # base URLs of the live sources ("" = the public default); see docs/sources.md
    openaq_url: str = ""
    livefeed_url: str = ""
    openaq_api_key: str = field(default="", repr=False)  # a secret: never printed
    openaq_match_km: float = 1.0  # an OpenAQ location this close to a catalog station is that station
    max_file_mb: int = 1024  # a bigger input file is refused before it is read
    http: HttpLimits | None = None  # the live sources' timeouts and the run's deadline (None: the defaults)

    @property
    def max_bytes(self) -> int:
        return self.max_file_mb << 20


AirSource = Callable[[dt.date, pl.DataFrame, SourceOptions], AirBatch]


def generator_source(day: dt.date, stations: pl.DataFrame, options: SourceOptions) -> AirBatch:
    config = GeneratorConfig(options.seed, options.fault_rate)
    rows, faults = generate_air_day(active_stations(stations, day), day, config)  # the stations in service that day
    counts = faults.group_by("kind").len().sort("kind")
    return AirBatch(rows=rows.cast(TIDY_SCHEMA), summary={"injected_faults": dict(counts.iter_rows())})


def archive_source(day: dt.date, stations: pl.DataFrame, options: SourceOptions) -> AirBatch:
    """The national archive layout: ``china_sites_YYYYMMDD.csv`` files in the input folder (assets/air/archive.py)."""
    if not options.input_path:
        raise ValueError(
            "the archive source needs the folder of china_sites_YYYYMMDD.csv files: --input FOLDER (ENVMON_AIR_INPUT)"
        )
    read = read_archive_day(options.input_path, day, stations["code"], options.max_bytes)
    return AirBatch(
        rows=read.rows.cast(TIDY_SCHEMA),
        problems=read.problems,
        side_tables={PUBLISHED_TABLE: read.published},
        summary=read.summary,
        rejected_values=read.rejected_values,
        rejected_lines=read.rejected_lines,
        source_files=read.files,
        unreadable=read.unreadable,
    )


def _imported_on_use(module: str, name: str) -> AirSource:
    """An adapter that imports this module itself (for AirBatch): loaded on first use, not at import time."""

    def source(day: dt.date, stations: pl.DataFrame, options: SourceOptions) -> AirBatch:
        return getattr(importlib.import_module(module), name)(day, stations, options)

    return source


AIR_SOURCES: dict[str, AirSource] = {
    "generator": generator_source,
    "archive": archive_source,
    "open_meteo": _imported_on_use("assets.http_sources.open_meteo_sources", "open_meteo_source"),
    "openaq": _imported_on_use("assets.http_sources.openaq", "openaq_source"),
    "livefeed": _imported_on_use("assets.http_sources.livefeed", "livefeed_source"),
}


# One line per source for `envmon run --help`, and what each needs before a run can start.
AIR_SOURCE_NOTES: dict[str, str] = {
    "generator": "the embedded generator (default; a workstation's offline demo, refused in production): "
    "deterministic for a seed, with real feeds' faults",
    "archive": "the national archive's china_sites_YYYYMMDD.csv files in --input FOLDER",
    "livefeed": "the national live feed (JSON or CSV) from ENVMON_LIVEFEED_URL, or --input FILE|FOLDER",
    "openaq": "OpenAQ v3, the region's locations (needs ENVMON_OPENAQ_API_KEY)",
    "open_meteo": "Open-Meteo CAMS values per area: modelled, kept apart from station data",
}
NEEDS_INPUT_FOLDER = {"archive"}
NEEDS_INPUT_OR_URL = {"livefeed": "ENVMON_LIVEFEED_URL"}
NEEDS_SECRET = {"openaq": "ENVMON_OPENAQ_API_KEY"}


def get_air_source(name: str) -> AirSource:
    try:
        return AIR_SOURCES[name]
    except KeyError:
        raise ValueError(f"unknown air source {name!r}; known: {', '.join(sorted(AIR_SOURCES))}") from None

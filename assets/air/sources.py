"""Air sources are adapters behind one tidy schema.

Each adapter turns one day of whatever it reads into an ``AirBatch``: hourly rows
``station_code, ts, pm25, pm10, so2, no2, o3, co`` (ug/m3, CO mg/m3, ts = end of hour in China Standard Time)
plus the problems it met on the way (file, row, field, message) and any side tables it keeps. Format quirks stay
inside the adapter. New adapters register themselves in ``AIR_SOURCES``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Callable

import polars as pl

from assets.air.generator import GeneratorConfig, generate_air_day
from assets.catalog.stations import active_stations

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


@dataclass(frozen=True)
class SourceOptions:
    input_path: str = ""
    seed: int = 2023
    fault_rate: float = 0.003


AirSource = Callable[[dt.date, pl.DataFrame, SourceOptions], AirBatch]


def generator_source(day: dt.date, stations: pl.DataFrame, options: SourceOptions) -> AirBatch:
    rows, faults = generate_air_day(active_stations(stations), day, GeneratorConfig(options.seed, options.fault_rate))
    counts = faults.group_by("kind").len().sort("kind")
    return AirBatch(rows=rows.cast(TIDY_SCHEMA), summary={"injected_faults": dict(counts.iter_rows())})


AIR_SOURCES: dict[str, AirSource] = {"generator": generator_source}


def get_air_source(name: str) -> AirSource:
    try:
        return AIR_SOURCES[name]
    except KeyError:
        raise ValueError(f"unknown air source {name!r}; known: {', '.join(sorted(AIR_SOURCES))}") from None

"""Water sources for the daily partition, behind one tidy schema (the monitoring-centre files arrive separately,
through the landing folder: ``assets.water.landing``).

A source turns one natural day into a ``WaterBatch`` of rows ``section_code, ts, <9 parameters>, reported_class``.
``ENVMON_WATER_SOURCE`` picks it: ``generator`` (the offline demo; the default only when the air source is the
generator too) or ``landing`` (the default otherwise; no daily feed: the readings come only from files dropped in the
landing folder, so the daily partition stages nothing of its own). See ``assets/demo.py``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field

import polars as pl

from assets.water.faults import VALUE_COLUMNS
from assets.water.generator import WaterGeneratorConfig, generate_water_day

TIDY_SCHEMA = {
    "section_code": pl.String,
    "ts": pl.Datetime("us"),
    **{c: pl.Float64 for c in VALUE_COLUMNS},
    "reported_class": pl.String,
}


@dataclass
class WaterBatch:
    rows: pl.DataFrame
    summary: dict[str, object] = field(default_factory=dict)
    daily_feed: bool = True  # False: the source has no daily feed, an empty batch is normal


@dataclass(frozen=True)
class WaterSourceOptions:
    seed: int = 2023
    fault_rate: float = 0.003


WaterSource = Callable[[dt.date, pl.DataFrame, WaterSourceOptions], WaterBatch]


def empty_rows() -> pl.DataFrame:
    return pl.DataFrame(schema=TIDY_SCHEMA)


def generator_source(day: dt.date, sections: pl.DataFrame, options: WaterSourceOptions) -> WaterBatch:
    rows, faults = generate_water_day(sections, day, WaterGeneratorConfig(options.seed, options.fault_rate))
    counts = faults.group_by("kind").len().sort("kind")
    rows = rows.with_columns(reported_class=pl.lit(None, pl.String)).cast(TIDY_SCHEMA)
    return WaterBatch(rows=rows, summary={"injected_faults": dict(counts.iter_rows())})


def landing_only_source(day: dt.date, sections: pl.DataFrame, options: WaterSourceOptions) -> WaterBatch:
    return WaterBatch(
        rows=empty_rows(), summary={"note": "readings arrive as files in the landing folder"}, daily_feed=False
    )


WATER_SOURCES: dict[str, WaterSource] = {"generator": generator_source, "landing": landing_only_source}


def get_water_source(name: str) -> WaterSource:
    try:
        return WATER_SOURCES[name]
    except KeyError:
        raise ValueError(f"unknown water source {name!r}; known: {', '.join(sorted(WATER_SOURCES))}") from None

"""Dataset specs: what the validation layer needs to know about a dataset, and the registry of them.

A dataset (air, river water) plugs in with its key column, time column, measured parameters and its
Great Expectations suite (``assets/quality/suites/<name>.json``). Thresholds are data: plausible ranges, spike and
stuck limits per parameter in ``dbt_like_sql/seeds/quality_ranges.csv``, flag codes and their global thresholds in
``dbt_like_sql/seeds/quality_flags.csv``.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import polars as pl

SUITES_DIR = Path(__file__).parent / "suites"
SEEDS_DIR = Path(__file__).resolve().parents[2] / "dbt_like_sql" / "seeds"
LATE_DAYS = 7  # a row up to 7 days late is accepted by the partition that receives it


@dataclass(frozen=True)
class DatasetSpec:
    name: str  # also the suite file name and quarantine.rejected_rows.dataset
    key: str  # station_code, section_code...
    values: tuple[str, ...]  # measured parameters (columns)
    time: str = "ts"
    step_hours: int = 1  # sampling step: 1 for air, 4 for automatic water stations
    # (flag code, part, whole): a measured part of another parameter cannot exceed it (PM2.5 in PM10, NH3-N in TN)
    part_whole: tuple[str, str, str] | None = None
    schema: dict = field(default_factory=dict)  # expected column -> Polars dtype

    @property
    def columns(self) -> list[str]:
        return list(self.schema) or [self.key, self.time, *self.values]

    def suite(self) -> dict:
        return load_suite(self.name)

    def ranges(self) -> pl.DataFrame:
        return quality_ranges().filter(pl.col("dataset") == self.name)

    def suite_parameters(
        self, day: dt.date, known_keys: pl.Series, now: dt.datetime, last_day: dt.date | None = None
    ) -> dict:
        """The run-time values of the suite's ``$PARAMETER`` placeholders, for one day's batch or for the batches
        of the days ``day`` ... ``last_day`` validated together."""
        start, _ = partition_bounds(day)
        _, end = partition_bounds(last_day or day)
        params: dict = {
            "columns": self.columns,
            "known_keys": known_keys.to_list(),
            "late_start": start - dt.timedelta(days=LATE_DAYS),
            "partition_end": end,
            "now": now,
        }
        for row in self.ranges().iter_rows(named=True):
            params[f"{row['parameter']}_min"] = row["plausible_min"]
            params[f"{row['parameter']}_max"] = row["plausible_max"]
        return params


def partition_bounds(day: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """First and last hourly label of natural day ``day``: D 01:00 and D+1 00:00."""
    start = dt.datetime.combine(day, dt.time(1))
    return start, start + dt.timedelta(hours=23)


@cache
def load_suite(name: str) -> dict:
    path = SUITES_DIR / f"{name}.json"
    if not path.exists():
        raise KeyError(f"no expectation suite for dataset {name!r} (expected {path})")
    return json.loads(path.read_text(encoding="utf-8"))


@cache
def quality_ranges() -> pl.DataFrame:
    return pl.read_csv(SEEDS_DIR / "quality_ranges.csv")


@cache
def quality_flags() -> pl.DataFrame:
    return pl.read_csv(SEEDS_DIR / "quality_flags.csv", schema_overrides={"threshold": pl.String})


def flag_threshold(code: str) -> str:
    return quality_flags().filter(pl.col("flag_code") == code)["threshold"].item()


AIR_HOURLY = DatasetSpec(
    name="air_hourly",
    key="station_code",
    values=("pm25", "pm10", "so2", "no2", "o3", "co"),
    part_whole=("PMR", "pm25", "pm10"),
    schema={
        "station_code": pl.String,
        "ts": pl.Datetime("us"),
        "pm25": pl.Float64,
        "pm10": pl.Float64,
        "so2": pl.Float64,
        "no2": pl.Float64,
        "o3": pl.Float64,
        "co": pl.Float64,
    },
)

DATASET_SPECS: dict[str, DatasetSpec] = {AIR_HOURLY.name: AIR_HOURLY}


def register(spec: DatasetSpec) -> DatasetSpec:
    """Add a dataset (e.g. water) to the registry; its suite must exist in ``assets/quality/suites/``."""
    load_suite(spec.name)
    DATASET_SPECS[spec.name] = spec
    return spec

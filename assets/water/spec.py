"""The river readings as a dataset of the shared validation layer (``assets.quality``): key, values, suite."""

from __future__ import annotations

from assets.quality.specs import DatasetSpec, register
from assets.water.sources import TIDY_SCHEMA

WATER_READINGS = register(
    DatasetSpec(
        name="water_readings",  # suite assets/quality/suites/water_readings.json; quarantine dataset name
        key="section_code",
        values=tuple(c for c, t in TIDY_SCHEMA.items() if c not in ("section_code", "ts", "reported_class")),
        step_hours=4,
        part_whole=("NTN", "ammonia_nitrogen", "total_nitrogen"),
        schema=TIDY_SCHEMA,
    )
)

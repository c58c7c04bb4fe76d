"""The alert rules (assets/alerts/rules/rules.yaml, or the file in ENVMON_ALERT_RULES) as typed, validated objects.

Every section is a pydantic model that forbids unknown keys, so a typo fails when the file is loaded, with the file
and the key's path (``rules.yaml: warning.levels[#2].any_of[#1]: unknown key 'days_abvoe' (expected days_above,
reach)``), instead of a rule silently falling back to a default. The readers use attributes, never keys.

The 20 valid hours of a natural day (GB 3095 table 4) are not in this file: they are the SQL models' capture rule
``daily_mean_hours`` in ``dbt_like_sql/seeds/air_data_capture.csv``, which ``outage.min_daily_hours_air`` reads.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Literal

import polars as pl
import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from assets.alerts.rules.candidates import LEVEL_RANKS, Recipients
from assets.alerts.rules.yaml_files import load_yaml, register, validation_message

DEFAULT_RULES = Path(__file__).with_name("rules.yaml")
CAPTURE_SEED = Path(__file__).resolve().parents[3] / "dbt_like_sql" / "seeds" / "air_data_capture.csv"
Kind = Literal[
    "area_warning", "regional_warning", "observed_heavy", "river_exceedance", "river_incident", "data_outage"
]
Status = Literal["issued", "upgraded", "downgraded", "lifted", "retracted"]


class Section(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Condition(Section):
    """One alternative of a level: at least n days above each AQI (``{200: 3, 300: 1}``), or any day reaching."""

    days_above: dict[int, int] = Field(default_factory=dict)
    reach: int | None = None


class Level(Section):
    level: Literal["yellow", "orange", "red"]
    any_of: list[Condition] = Field(min_length=1)


class WarningRules(Section):
    standard: str
    standard_zh: str = ""  # the Chinese part of the mails; unset: ``standard``
    heavy_aqi: int
    levels: list[Level] = Field(min_length=1)  # highest first
    lift_clear_hours: float | None = None
    merge_gap_days: int = 0
    count_observed_days: bool = True
    forecast_horizon_days: int
    forecast_coverage_days: int

    @property
    def standard_in_chinese(self) -> str:
        return self.standard_zh or self.standard


class RegionalRules(Section):
    min_areas: int = Field(ge=1)
    min_per_province: int = Field(ge=0)


class ObservedRules(Section):
    daily_aqi_above: int
    rolling_24h_aqi_above: int
    rolling_min_hours: int


class RiverRules(Section):
    sustained_readings: int = Field(ge=1)
    called_out_parameter: str
    incident_parameters: list[str]
    incident_median_hours: int
    incident_factor: float
    incident_beyond_class: Literal["I", "II", "III", "IV", "V"]
    travel_slack_hours: float
    daily_readings: int = Field(ge=1)


class OutageRules(Section):
    silent_hours: int
    min_daily_readings_water: int

    @model_validator(mode="before")
    @classmethod
    def _moved(cls, data):
        if isinstance(data, dict) and "min_daily_hours_air" in data:  # a rules file written before it moved
            raise ValueError(
                f"min_daily_hours_air is no longer set here: remove it; the valid hours of a day are the row "
                f"daily_mean_hours of {CAPTURE_SEED.relative_to(CAPTURE_SEED.parents[2])} (one place for the SQL "
                "models and the outage rule)"
            )
        return data

    @property
    def min_daily_hours_air(self) -> int:
        """GB 3095 validity: fewer valid hours in a natural day = no valid daily mean (the SQL models' seed)."""
        return capture_rule("daily_mean_hours")


class Route(Section):
    """An immediate-mail route: a kind, its statuses, optionally a lowest level or a border section only."""

    kind: Kind
    status: tuple[Status, ...] = ("issued", "upgraded")
    min_level: str | None = None
    border_section: bool = False

    @field_validator("min_level")
    @classmethod
    def _is_a_level(cls, value):
        if value is not None and value not in LEVEL_RANKS:
            raise ValueError(f"{value!r} is not a level ({', '.join(LEVEL_RANKS)})")
        return value


class NotifySection(Section):
    immediate: list[Route] = Field(default_factory=list)
    follow_up_immediately: list[Status] = Field(default_factory=list)
    group_by: Literal["topic", "alert"] = "topic"
    digest_hour: int = Field(10, ge=0, le=23)  # China Standard Time
    remind_unacknowledged_after_hours: float = 24
    remind_for_days: float = 7


@register
class Rules(Section):
    warning: WarningRules
    regional: RegionalRules
    observed: ObservedRules
    river: RiverRules
    outage: OutageRules
    notify: NotifySection
    recipients: Recipients


@cache
def capture_rule(rule: str) -> int:
    """A minimum count of ``air_data_capture.csv`` (the seed the SQL models load): one place for each figure."""
    frame = pl.read_csv(CAPTURE_SEED)
    counts = dict(zip(frame["rule"], frame["min_count"]))
    if rule not in counts:
        raise ValueError(f"{CAPTURE_SEED}: no row for rule {rule!r}")
    return int(counts[rule])


class RulesError(ValueError):
    """A rules file that cannot be used: the message names the file and the key."""


def load_rules(path: Path = DEFAULT_RULES) -> Rules:
    """The rules in ``path`` (``AlertSettings.rules``: ENVMON_ALERT_RULES, else the shipped rules.yaml)."""
    path = Path(path)
    try:
        doc = load_yaml(path)
    except (OSError, yaml.YAMLError) as exc:
        raise RulesError(f"{path}: cannot read the alert rules: {exc}") from None
    try:
        return Rules.model_validate(doc if doc is not None else {})
    except ValidationError as exc:
        raise RulesError(validation_message(path, exc, "the alert rules")) from None

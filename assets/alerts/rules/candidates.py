"""What a rule says about one subject on one evaluated day: an alert candidate (before the lifecycle), and who
receives each kind of alert (rules.yaml ``recipients``: roles of the contacts file, per area or river)."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

# Order of severity per kind of level: upgrades and downgrades compare these ranks.
LEVEL_RANKS = {
    "yellow": 1,
    "orange": 2,
    "red": 3,  # 重污染天气预警 III, II, I
    "heavy": 1,
    "severe": 2,  # observed 重度污染 (AQI 201-300), 严重污染 (> 300)
    "I": 1,
    "II": 2,
    "III": 3,
    "IV": 4,
    "V": 5,
    "劣V": 6,  # GB 3838 class of a river alert (target II: III exceeds)
    "alert": 1,  # ungraded (incidents, outages)
}


@dataclass(frozen=True)
class Candidate:
    kind: str  # area_warning | regional_warning | observed_heavy | river_exceedance | river_incident | data_outage
    subject: str  # the area, "region", section code or station code: one open alert per (kind, subject)
    level: str
    title_zh: str
    title_en: str
    subjects: list[str]  # names for the e-mail subject line
    # where the alert is (area_places, river_places) until Recipients.route makes them contact selectors
    # (assets.alerts.notify.contacts.recipients_for), which the events keep
    recipients: list[dict]
    evidence: list[dict] = field(default_factory=list)
    summary_zh: str = ""
    summary_en: str = ""
    standard: str = ""  # in English (alerts.event_log.standard)
    standard_zh: str = ""  # the same in Chinese, for the Chinese part of the mails (kept in the evidence JSON)
    data_status: str = "preliminary"
    capture_pct: float | None = None
    topic: str = "air"  # what immediate mails are grouped by (rules.yaml notify.group_by): air, water, outage:<feed>
    border: bool = False  # a river alert at a border section (immediate by default when sustained)

    @property
    def key(self) -> tuple[str, str]:
        return (self.kind, self.subject)

    @property
    def rank(self) -> int:
        return LEVEL_RANKS.get(self.level, 1)


def area_places(*areas: str) -> list[dict]:
    """Where an air alert is: its areas (``Recipients.route`` turns places into the contacts' selectors)."""
    return [{"area": a} for a in areas]


def river_places(river: str) -> list[dict]:
    return [{"river": river}]


NO_PLACE: list[dict] = []  # an alert about no area or river (data outages)


class Audience(BaseModel):
    """One role that receives a kind of alert; ``per``: only the contacts of the alert's areas, or of its river."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    role: Literal["area_air_office", "river_chief", "joint_office", "data_operations"]
    per: Literal["area", "river"] | None = None

    @model_validator(mode="after")
    def _per_fits_the_role(self) -> Audience:
        fits = {"area_air_office": "area", "river_chief": "river"}.get(self.role)
        if self.per != fits:
            raise ValueError(f"role {self.role} needs per: {fits}" if fits else f"role {self.role} takes no per")
        return self


class Recipients(BaseModel):
    """rules.yaml ``recipients``: which roles of the contacts file receive each kind of alert."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    area_warning: list[Audience] = Field(min_length=1)
    regional_warning: list[Audience] = Field(min_length=1)
    observed_heavy: list[Audience] = Field(min_length=1)
    river_exceedance: list[Audience] = Field(min_length=1)
    river_incident: list[Audience] = Field(min_length=1)
    data_outage: list[Audience] = Field(min_length=1)

    def selectors(self, kind: str, places: list[dict]) -> list[dict]:
        """The contact selectors (``contacts.recipients_for``) of an alert of ``kind`` about ``places``."""
        out = []
        for audience in getattr(self, kind):
            if audience.per is None:
                out.append({"role": audience.role})
            else:
                out += [{"role": audience.role, audience.per: p[audience.per]} for p in places if audience.per in p]
        return out

    def route(self, candidate: Candidate) -> Candidate:
        """The candidate with its places replaced by the selectors of who receives it."""
        return replace(candidate, recipients=self.selectors(candidate.kind, candidate.recipients))

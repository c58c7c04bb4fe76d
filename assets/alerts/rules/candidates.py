"""What a rule says about one subject on one evaluated day: an alert candidate (before the lifecycle)."""

from __future__ import annotations

from dataclasses import dataclass, field

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
    recipients: list[dict]  # contact selectors, see assets.alerts.notify.contacts.recipients_for
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


def area_audience(*areas: str) -> list[dict]:
    return [*({"role": "area_air_office", "area": a} for a in areas), {"role": "joint_office"}]


def river_audience(river: str) -> list[dict]:
    return [{"role": "river_chief", "river": river}, {"role": "joint_office"}]


DATA_OPS = [{"role": "data_operations"}]

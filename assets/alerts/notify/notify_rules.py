"""Who is told what, and when (rules.yaml ``notify``), as Alertmanager routes and groups and hazebot rate-limits.

- **Immediate**: the state changes that need action now (``notify.immediate``: a kind, its statuses, optionally a
  lowest level or a border section), and the lifting or retraction of an alert that was mailed to the same
  recipient at once (``follow_up_immediately``). Those of one evaluated day that share a group (``group_by``:
  ``topic`` = air, water, outage:<feed>; or ``alert``) are one mail per recipient.
- **Digest**: everything else waits for the recipient's daily digest, composed at ``digest_hour`` (China Standard
  Time) the day after the day it is about, once that day is evaluated.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass

from assets.alerts.rules.candidates import LEVEL_RANKS

KINDS = ("area_warning", "regional_warning", "observed_heavy", "river_exceedance", "river_incident", "data_outage")
STATUSES = ("issued", "upgraded", "downgraded", "lifted", "retracted")


@dataclass(frozen=True)
class NotifyRules:
    immediate: tuple[dict, ...]
    follow_up: tuple[str, ...]
    group_by: str
    digest_hour: int
    remind_after: dt.timedelta
    remind_for: dt.timedelta

    @classmethod
    def from_rules(cls, rules: dict, where: str = "rules.yaml") -> NotifyRules:
        cfg = rules.get("notify") or {}
        routes = tuple(cfg.get("immediate") or ())
        for i, route in enumerate(routes, start=1):
            problem = _route_problem(route)
            if problem:
                raise ValueError(f"{where}: notify.immediate #{i}: {problem}")
        follow_up = tuple(cfg.get("follow_up_immediately") or ())
        if set(follow_up) - set(STATUSES):
            raise ValueError(f"{where}: notify.follow_up_immediately: statuses are {', '.join(STATUSES)}")
        group_by = cfg.get("group_by", "topic")
        if group_by not in ("topic", "alert"):
            raise ValueError(f"{where}: notify.group_by is {group_by!r}; expected topic or alert")
        hour = int(cfg.get("digest_hour", 10))
        if not 0 <= hour <= 23:
            raise ValueError(f"{where}: notify.digest_hour is {hour}; expected 0 .. 23 (China Standard Time)")
        return cls(
            routes,
            follow_up,
            group_by,
            hour,
            dt.timedelta(hours=float(cfg.get("remind_unacknowledged_after_hours", 24))),
            dt.timedelta(days=float(cfg.get("remind_for_days", 7))),
        )

    def is_immediate(self, row: dict) -> bool:
        """Whether a state change (an alerts.event_log row) is mailed at once by the routes (follow-ups aside)."""
        extra = json.loads(row["evidence"]) if isinstance(row.get("evidence"), str) else (row.get("evidence") or {})
        for route in self.immediate:
            if route["kind"] != row["kind"] or row["status"] not in route.get("status", ("issued", "upgraded")):
                continue
            if "min_level" in route and row["level_rank"] < LEVEL_RANKS[route["min_level"]]:
                continue
            if route.get("border_section") and not extra.get("border"):
                continue
            return True
        return False

    def group_of(self, row: dict) -> str:
        if self.group_by == "alert":
            return row["event_id"]
        extra = json.loads(row["evidence"]) if isinstance(row.get("evidence"), str) else (row.get("evidence") or {})
        return extra.get("topic") or row["kind"]

    def due(self, day: dt.date) -> dt.datetime:
        """When the digest of ``day`` is composed: the next day at digest_hour (CST)."""
        return dt.datetime.combine(day + dt.timedelta(days=1), dt.time(self.digest_hour))

    def latest_due_day(self, now: dt.datetime) -> dt.date:
        """The most recent day whose digest time has come."""
        day = now.date() - dt.timedelta(days=1)
        return day if self.due(day) <= now else day - dt.timedelta(days=1)


def _route_problem(route: object) -> str | None:
    if not isinstance(route, dict) or route.get("kind") not in KINDS:
        return f"needs kind, one of {', '.join(KINDS)}"
    unknown = set(route) - {"kind", "status", "min_level", "border_section"}
    if unknown:
        return f"unknown field(s) {', '.join(sorted(unknown))}"
    if set(route.get("status") or ()) - set(STATUSES):
        return f"status: one or more of {', '.join(STATUSES)}"
    if "min_level" in route and route["min_level"] not in LEVEL_RANKS:
        return f"min_level {route['min_level']!r} is not a level ({', '.join(LEVEL_RANKS)})"
    return None

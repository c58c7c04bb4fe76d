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
from typing import TYPE_CHECKING

from assets.alerts.rules.candidates import LEVEL_RANKS

if TYPE_CHECKING:  # the rules import nothing of this module; this keeps the import one way at run time too
    from assets.alerts.rules.rules_config import Route, Rules


@dataclass(frozen=True)
class NotifyRules:
    immediate: tuple[Route, ...]
    follow_up: tuple[str, ...]
    group_by: str
    digest_hour: int
    remind_after: dt.timedelta
    remind_for: dt.timedelta

    @classmethod
    def from_rules(cls, rules: Rules) -> NotifyRules:
        """From the loaded rules (``rules_config.load_rules`` has validated the notify section, naming the file)."""
        cfg = rules.notify
        return cls(
            tuple(cfg.immediate),
            tuple(cfg.follow_up_immediately),
            cfg.group_by,
            cfg.digest_hour,
            dt.timedelta(hours=cfg.remind_unacknowledged_after_hours),
            dt.timedelta(days=cfg.remind_for_days),
        )

    def is_immediate(self, row: dict) -> bool:
        """Whether a state change (an alerts.event_log row) is mailed at once by the routes (follow-ups aside)."""
        extra = json.loads(row["evidence"]) if isinstance(row.get("evidence"), str) else (row.get("evidence") or {})
        for route in self.immediate:
            if route.kind != row["kind"] or row["status"] not in route.status:
                continue
            if route.min_level is not None and row["level_rank"] < LEVEL_RANKS[route.min_level]:
                continue
            if route.border_section and not extra.get("border"):
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

"""What an observed-heavy alert says about the warnings of its area on day D: that none was in force, that the
area's warning was lifted (or retracted) on a given day, or the regional warning that still applies there.

The observed-heavy rule fires when no area warning covers D (the forecast missed the episode); the day after a
warning was lifted that is true, but "no warning that day" would not be: the recipients were told on D-1 that it
was lifted, so the text says so.
"""

from __future__ import annotations

import datetime as dt

from assets.alerts.mail.email_render import LEVELS
from assets.alerts.rules.candidates import Candidate

OPEN = ("issued", "upgraded", "downgraded", "active")


def warning_status(
    latest: dict[tuple[str, str], dict], candidates: list[Candidate], day: dt.date, areas: list[str]
) -> dict[str, tuple[str, str]]:
    """Area -> (Chinese, English) sentence. ``latest``: the area and regional warnings' rows before D
    (``lifecycle.latest_before``); ``candidates``: the warnings the rules raise on D."""
    regional = next((c for c in candidates if c.kind == "regional_warning"), None)
    regional_row = latest.get(("regional_warning", "region"))
    if regional is None and regional_row is not None and regional_row["status"] in OPEN:
        regional_level, regional_id = regional_row["level"], (regional_row["event_id"],) * 2
    elif regional is not None:
        regional_level = regional.level
        open_id = regional_row["event_id"] if regional_row and regional_row["status"] in OPEN else None
        regional_id = (open_id, open_id) if open_id else ("当日新发布", "issued that day")
    else:
        regional_level = regional_id = None
    out = {}
    for area in areas:
        row = latest.get(("area_warning", area))
        if regional_level is not None:
            zh_level, en_level = LEVELS.get(regional_level, (regional_level, regional_level))
            out[area] = (
                f"本区县无预警，区域联合预警（{zh_level}，{regional_id[0]}）仍在执行",
                f"no area warning here; the regional warning ({en_level}, {regional_id[1]}) still applies",
            )
        elif row is not None and row["status"] in ("lifted", "retracted"):
            verb_zh, verb_en = ("解除", "lifted") if row["status"] == "lifted" else ("撤回", "retracted")
            when = row["day"]
            ago = (day - when).days
            note_zh = "（前一日）" if ago == 1 else ""
            out[area] = (
                f"本区县重污染天气预警已于{when}{note_zh}{verb_zh}（{row['event_id']}）",
                f"the area's warning {row['event_id']} was {verb_en} on {when}",
            )
        else:
            out[area] = ("当日无预警", "no warning was in force")
    return out

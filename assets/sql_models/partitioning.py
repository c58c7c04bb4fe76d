"""How a partitioned model says which rows a build replaces and which inputs it reads (its header line).

    -- partitioned: day                               rows keyed by natural day (column ``day``)
    -- partitioned: day, lookback 1 day               ... reading one more day before the window (24-h means)
    -- partitioned: periods (period_start, period_end), inputs whole years

A ``day`` model replaces the rows whose day lies in the window [start, end) and reads its inputs over the window
plus its look-back. A ``periods`` model holds calendar periods (month, year, year to date ...): it replaces every
period that overlaps the window (first and last day given as two column expressions) and reads its inputs over
the window, or over the whole months or years around it when its periods need them. See docs/models.md.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

_OPTION = re.compile(r"^(?:lookback\s+(?P<lookback>\d+)\s+days?|inputs\s+whole\s+(?P<inputs>months|years))$")


@dataclass(frozen=True)
class Partitioning:
    kind: str  # "day" | "periods"
    first: str = "day"  # SQL expression of the first natural day a row covers
    last: str = "day"  # ... and of its last
    lookback_days: int = 0  # day models: inputs start this many days before the window
    inputs: str = "window"  # periods models: "window", "months" or "years" around the window

    @classmethod
    def parse(cls, text: str, where: str) -> Partitioning:
        """``kind [(first, last)] [, lookback N days] [, inputs whole months|years]``."""
        kind = re.match(r"\w*", text.strip())[0]
        rest = text.strip()[len(kind) :].strip()
        columns: list[str] = []
        if rest.startswith("("):
            inside, rest = _balanced(rest, where)
            columns = _split_top_level(inside)
        options = [o.strip() for o in rest.lstrip(",").split(",") if o.strip()]
        matches = [_OPTION.match(o) for o in options]
        if kind not in ("day", "periods") or None in matches or len(columns) not in (0, 1, 2):
            raise ValueError(
                f"{where}: cannot read '-- partitioned: {text}'; write e.g. 'day', 'day, lookback 1 day' or "
                "'periods (period_start, period_end), inputs whole years'"
            )
        lookback = next((int(m["lookback"]) for m in matches if m["lookback"]), 0)
        inputs = next((m["inputs"] for m in matches if m["inputs"]), "window")
        if kind == "periods" and len(columns) != 2:
            raise ValueError(f"{where}: a periods model names its first and last day: 'periods (first, last)'")
        if kind == "day" and inputs != "window":
            raise ValueError(f"{where}: 'inputs whole ...' is for periods models; a day model has a lookback")
        if kind == "periods" and lookback:
            raise ValueError(f"{where}: a periods model reads whole months or years, not a lookback")
        first = columns[0] if columns else "day"
        return cls(kind, first, columns[-1] if columns else first, lookback, inputs)

    def rows_in_window(self) -> str:
        """SQL predicate of the rows a build of the window replaces (the window macros of _macros/window.sql)."""
        if self.kind == "day":
            return f"in_window({self.first})"
        return f"overlaps_window({self.first}, {self.last})"

    def input_window(self, start: dt.date, end: dt.date) -> tuple[dt.date, dt.date]:
        """The days [input_start, input_end) that a build of [start, end) reads."""
        if self.kind == "day":
            return start - dt.timedelta(days=self.lookback_days), end
        if self.inputs == "months":
            last = end - dt.timedelta(days=1)
            return start.replace(day=1), _next_month(last.replace(day=1))
        if self.inputs == "years":
            return dt.date(start.year, 1, 1), dt.date((end - dt.timedelta(days=1)).year + 1, 1, 1)
        return start, end


def _next_month(first: dt.date) -> dt.date:
    return dt.date(first.year + first.month // 12, first.month % 12 + 1, 1)


def _balanced(text: str, where: str) -> tuple[str, str]:
    """('inside', 'rest') of text that starts with '(' (nested parentheses allowed)."""
    depth = 0
    for i, char in enumerate(text):
        depth += {"(": 1, ")": -1}.get(char, 0)
        if depth == 0:
            return text[1:i], text[i + 1 :]
    raise ValueError(f"{where}: unbalanced parentheses in '-- partitioned: {text}'")


def _split_top_level(text: str) -> list[str]:
    parts, depth, current = [], 0, ""
    for char in text:
        depth += {"(": 1, ")": -1}.get(char, 0)
        if char == "," and depth == 0:
            parts.append(current.strip())
            current = ""
        else:
            current += char
    return [*parts, current.strip()] if current.strip() else parts

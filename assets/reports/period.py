"""A report period: one calendar month (月报) or one calendar year (年报)."""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass


@dataclass(frozen=True)
class ReportPeriod:
    kind: str  # "month" or "year"
    start: dt.date
    end: dt.date

    @classmethod
    def month(cls, year: int, month: int) -> ReportPeriod:
        return cls("month", dt.date(year, month, 1), dt.date(year, month, calendar.monthrange(year, month)[1]))

    @classmethod
    def year(cls, year: int) -> ReportPeriod:
        return cls("year", dt.date(year, 1, 1), dt.date(year, 12, 31))

    @classmethod
    def parse(cls, label: str) -> ReportPeriod:
        """'2026-10' (a month) or '2026' (a year); the labels are also the Dagster partition keys."""
        if m := re.fullmatch(r"(\d{4})-(\d{2})", label.strip()):
            year, month = int(m.group(1)), int(m.group(2))
            if not 1 <= month <= 12:
                raise ValueError(f"report period {label!r}: month must be 01..12")
            return cls.month(year, month)
        if m := re.fullmatch(r"(\d{4})", label.strip()):
            return cls.year(int(m.group(1)))
        raise ValueError(f"report period {label!r}: expected YYYY-MM (a month) or YYYY (a year)")

    @property
    def label(self) -> str:
        return f"{self.start:%Y-%m}" if self.kind == "month" else f"{self.start:%Y}"

    @property
    def year_start(self) -> dt.date:
        return dt.date(self.start.year, 1, 1)

    @property
    def title_zh(self) -> str:
        if self.kind == "month":
            return f"川南渝西环境质量联合月报 {self.start.year}年{self.start.month}月"
        return f"川南渝西环境质量联合年报 {self.start.year}年"

    @property
    def title_en(self) -> str:
        what = "monthly report" if self.kind == "month" else "annual report"
        return f"South Sichuan & West Chongqing joint environmental {what}, {self.label}"

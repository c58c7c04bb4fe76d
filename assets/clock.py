"""The pipeline's clock: China Standard Time, as naive timestamps like every time in the warehouse."""

import datetime as dt
from zoneinfo import ZoneInfo

CST = ZoneInfo("Asia/Shanghai")
# The first day of the daily partitions: a baseline year before the real national archive days of January 2023 (the
# reports' year-on-year comparisons need the year before, and so does the national benchmark's year of history).
# Here, in a module without Dagster, so that `envmon run` checks its options before it imports Dagster.
DAILY_START = "2022-01-01"


def now_cst() -> dt.datetime:
    return dt.datetime.now(CST).replace(tzinfo=None)

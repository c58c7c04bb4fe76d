"""The pipeline's clock: China Standard Time, as naive timestamps like every time in the warehouse."""

import datetime as dt
from zoneinfo import ZoneInfo

CST = ZoneInfo("Asia/Shanghai")


def now_cst() -> dt.datetime:
    return dt.datetime.now(CST).replace(tzinfo=None)

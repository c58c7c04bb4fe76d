"""A window of days cut into runs, for every command that runs the daily job over days (``run``, ``run
--full-refresh``, ``exclude``) and for ``bench``: one place, so that they cut the same way."""

from __future__ import annotations

import datetime as dt


def chunks(days: list[dt.date], size: int) -> list[list[dt.date]]:
    """The window cut into runs of at most ``size`` days (``days_per_run``, as the assets' backfill policy)."""
    return [days[i : i + size] for i in range(0, len(days), size)]

"""Real Dagster runs of the project's assets against a temporary data folder."""

import datetime as dt
from pathlib import Path

import dagster as dg

from assets.resources import resources_for
from pipelines.definitions import all_assets


def run_days(data_dir: Path, days: list[dt.date], instance: dg.DagsterInstance | None = None, **settings) -> list:
    """Materialize every asset for each day, as the daily job does; returns the results (all must succeed)."""
    instance = instance or dg.DagsterInstance.ephemeral()
    results = []
    for day in days:
        result = dg.materialize(
            all_assets,
            partition_key=day.isoformat(),
            resources=resources_for(str(data_dir), **settings),
            instance=instance,
            raise_on_error=True,
        )
        results.append(result)
    return results


def day_range(start: str, n: int) -> list[dt.date]:
    first = dt.date.fromisoformat(start)
    return [first + dt.timedelta(days=i) for i in range(n)]

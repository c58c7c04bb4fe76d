"""Real Dagster runs of the project's assets against a temporary data folder."""

import datetime as dt
from pathlib import Path

import dagster as dg

from assets.resources import resources_for
from pipelines.definitions import all_assets
from pipelines.jobs import daily_job
from pipelines.runs import Runs, range_tags
from pipelines.water_jobs import water_file_job


def jobs_for(data_dir: Path, **settings) -> dg.Definitions:
    """The code location's assets and jobs with the resources of a test's data folder."""
    return dg.Definitions(
        assets=all_assets, jobs=[daily_job, water_file_job], resources=resources_for(str(data_dir), **settings)
    )


def run_days(data_dir: Path, days: list[dt.date], instance: dg.DagsterInstance | None = None, **settings) -> list:
    """The daily job for each day, as the schedule runs it, each followed by propagation (what the daemon's
    automation sensor does); returns the daily runs' results (all must succeed)."""
    return run_windows(data_dir, [[day] for day in days], instance, **settings)


def run_windows(
    data_dir: Path, windows: list[list[dt.date]], instance: dg.DagsterInstance | None = None, **settings
) -> list:
    """One run of the daily job per window of days (as `envmon run` or a UI backfill), each followed by
    propagation."""
    defs = jobs_for(data_dir, **settings)
    job = defs.resolve_job_def("daily_job")
    results = []
    with Runs(instance or dg.DagsterInstance.ephemeral(), "test", defs=defs) as runs:
        for days in windows:
            results.append(runs.run(job, str(days[0]), tags=range_tags(days)))
            runs.propagate()
        assert not runs.failed, runs.failed
    return results


def day_range(start: str, n: int) -> list[dt.date]:
    first = dt.date.fromisoformat(start)
    return [first + dt.timedelta(days=i) for i in range(n)]

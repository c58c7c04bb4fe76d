"""A warehouse filled from the embedded generator over `envmon run`'s default window (14 days ending yesterday),
built with real Dagster runs but only of what the report reads: the partitioned ingestion over the window in runs of
`days_per_run()` days, as `envmon run` cuts it (a run per day cost 14 runs' overhead for the same rows), then the
SQL models once (the daily job rebuilds them every day, which adds nothing here but minutes)."""

import datetime as dt
from pathlib import Path

import dagster as dg

from assets.partitions import days_per_run
from assets.reports.assets import monthly_report
from assets.resources import resources_for
from pipelines.commands.run import chunks, window
from pipelines.definitions import all_assets, defs

RANGE_START, RANGE_END = "dagster/asset_partition_range_start", "dagster/asset_partition_range_end"


def report_upstream() -> tuple[set[dg.AssetKey], set[dg.AssetKey], set[dg.AssetKey]]:
    """(unpartitioned keys the ingestion needs first, partitioned ingestion keys, the other unpartitioned keys)."""
    graph = defs.resolve_asset_graph()
    upstream = dg.AssetSelection.assets(monthly_report).upstream().resolve(graph) - {monthly_report.key}
    partitioned = {k for k in upstream if graph.get(k).partitions_def is not None}
    first = dg.AssetSelection.assets(*partitioned).upstream().resolve(graph) - partitioned
    return first, partitioned, upstream - partitioned - first


def build_window_warehouse(data_dir: Path, yesterday: dt.date, instance: dg.DagsterInstance) -> list[dt.date]:
    days = window(None, yesterday)
    resources = resources_for(str(data_dir))
    first, partitioned, models = report_upstream()

    def run(keys, tags=None):
        if not keys:  # e.g. no unpartitioned model is upstream of the report
            return
        dg.materialize(
            all_assets, selection=sorted(keys), tags=tags, resources=resources, instance=instance, raise_on_error=True
        )

    run(first)
    for days_of_run in chunks(days, days_per_run()):  # a partition range per run (Dagster's single-run backfill tags)
        run(partitioned, {RANGE_START: days_of_run[0].isoformat(), RANGE_END: days_of_run[-1].isoformat()})
    run(models)
    return days

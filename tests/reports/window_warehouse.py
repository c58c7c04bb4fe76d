"""A warehouse filled from the embedded generator over `envmon run`'s default window (14 days ending yesterday),
built with real Dagster runs but only of what the report reads: each day's partitioned ingestion, then the SQL
models once (the daily job rebuilds them every day, which adds nothing here but minutes)."""

import datetime as dt
from pathlib import Path

import dagster as dg

from assets.reports.assets import monthly_report
from assets.resources import resources_for
from pipelines.commands.run import window
from pipelines.definitions import all_assets, defs


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

    def run(keys, partition_key=None):
        if not keys:  # e.g. no unpartitioned model is upstream of the report
            return
        dg.materialize(
            all_assets,
            selection=sorted(keys),
            partition_key=partition_key,
            resources=resources,
            instance=instance,
            raise_on_error=True,
        )

    run(first)
    for day in days:
        run(partitioned, day.isoformat())
    run(models)
    return days

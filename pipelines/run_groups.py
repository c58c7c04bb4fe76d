"""The runs for the partitions that Dagster's evaluation of the automation conditions requested
(``pipelines/propagation.py``): assets needing the same days share a run, runs in dependency order, each range of
consecutive days cut into chunks of ``days_per_run`` (the assets' backfill policy, as the daemon's backfills).
This decides only *how* to run what is requested, never *what*."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from graphlib import CycleError, TopologicalSorter

import dagster as dg

# Dagster's documented run tags of a partition range (a run over several days of partitioned assets).
ASSET_PARTITION_RANGE_START_TAG = "dagster/asset_partition_range_start"
ASSET_PARTITION_RANGE_END_TAG = "dagster/asset_partition_range_end"

Requested = dict[dg.AssetKey, set]  # asset -> partition keys (None for an unpartitioned asset)


@dataclass(frozen=True)
class PlannedRun:
    assets: tuple[dg.AssetKey, ...]
    first: str | None = None  # partition range, None for unpartitioned assets only
    last: str | None = None

    def tags(self) -> dict[str, str]:
        if self.first is None:
            return {}
        return {ASSET_PARTITION_RANGE_START_TAG: self.first, ASSET_PARTITION_RANGE_END_TAG: self.last}

    @property
    def label(self) -> str:
        return f"propagation {self.first} .. {self.last}" if self.first else "propagation"


def plan(graph, requested: Requested, days_per_run: int) -> list[PlannedRun]:
    """Runs for the requested partitions: assets needing the same days share a run, runs in dependency order, each
    range of consecutive days cut into chunks of ``days_per_run``; unpartitioned assets (the snapshot) go last.
    Should two sets of assets depend on each other both ways, they share one run over their days together."""
    groups: dict[frozenset, set[dg.AssetKey]] = {}
    unpartitioned = tuple(sorted((k for k in requested if graph.get(k).partitions_def is None), key=str))
    for key in requested:
        if graph.get(key).partitions_def is not None:
            groups.setdefault(frozenset(requested[key]), set()).add(key)
    of = {key: days for days, keys in groups.items() for key in keys}
    after = {
        days: {of[p] for k in keys for p in graph.get(k).parent_keys if of.get(p, days) != days}
        for days, keys in groups.items()
    }
    try:
        order = list(TopologicalSorter(after).static_order())
    except CycleError:
        order = [frozenset().union(*groups)]
        groups = {order[0]: set(of)}
    runs = [
        PlannedRun(tuple(sorted(groups[days], key=str)), first, last)
        for days in order
        for first, last in _ranges(sorted(days), days_per_run)
    ]
    if unpartitioned:
        if runs:
            runs[-1] = PlannedRun(runs[-1].assets + unpartitioned, runs[-1].first, runs[-1].last)
        else:
            runs.append(PlannedRun(unpartitioned))
    return runs


def _ranges(days: list[str], size: int) -> list[tuple[str, str]]:
    """Consecutive runs of days, each cut into chunks of at most ``size``."""
    ranges, chunk = [], []
    for key in days:
        day = dt.date.fromisoformat(key)
        if chunk and (day - dt.date.fromisoformat(chunk[-1]) != dt.timedelta(days=1) or len(chunk) == size):
            ranges.append((chunk[0], chunk[-1]))
            chunk = []
        chunk.append(key)
    return ranges + ([(chunk[0], chunk[-1])] if chunk else [])

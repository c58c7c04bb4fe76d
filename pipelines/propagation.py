"""Propagation after in-process runs: which partitions downstream of what the runs changed are left to re-derive,
and in which runs (``pipelines.runs.Runs.propagate`` executes them).

Where the daemon runs, the automation sensor does this (``sensors/propagation.py``, the conditions of
``assets/automation.py``). ``envmon run`` and ``envmon ingest`` run in-process, without a daemon, and must give the
same result at once: this module follows the same partition mappings of the same asset graph, and runs what is
left in a few runs (one per range of days shared by a set of assets, in bounded chunks).

What a run changed: everything it materialized, its own days and the staging partitions it changed beyond them
(late readings, the days of a monitoring-centre file); whatever it materialized after a change was re-derived.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from graphlib import CycleError, TopologicalSorter

import dagster as dg
from dagster._core.storage.tags import ASSET_PARTITION_RANGE_END_TAG, ASSET_PARTITION_RANGE_START_TAG

from assets.automation import REFERENCE_TAGS

Pairs = dict[dg.AssetKey, set]  # asset -> partition keys (None for an unpartitioned asset)


@dataclass(frozen=True)
class PlannedRun:
    assets: tuple[dg.AssetKey, ...]
    first: str | None = None  # partition range, None for unpartitioned assets only
    last: str | None = None

    def tags(self) -> dict[str, str]:
        if self.first is None:
            return {}
        return {ASSET_PARTITION_RANGE_START_TAG: self.first, ASSET_PARTITION_RANGE_END_TAG: self.last}


def pending_after(instance: dg.DagsterInstance, graph, run_ids: list[str]) -> Pairs:
    """The asset partitions that the runs (in the order they ran) left to re-derive.

    A partition is left when a partition it depends on (through the partition mappings) changed in a run that did
    not re-derive it after the change, or is itself left. Only built partitions count: a day not built yet waits
    for its daily run; reference assets (seeds, models of seeds) changing trigger nothing (``assets/automation.py``).
    """
    pending: Pairs = {}
    built = _Built(instance)
    for run_id in run_ids:
        changed = _materialized(instance, run_id)  # a run re-derives what it materializes after its changes
        _remove(pending, changed)
        for key in graph.toposorted_asset_keys:
            node = graph.get(key)
            if node.automation_condition is None:
                continue
            for parent in node.parent_keys:
                if _is_reference(graph, parent):
                    continue
                direct = _child_partitions(graph, parent, key, changed.get(parent, set())) - changed.get(key, set())
                left = direct | _child_partitions(graph, parent, key, pending.get(parent, set()))
                if node.partitions_def is not None:
                    left &= built(key)
                if left:
                    pending.setdefault(key, set()).update(left)
    return {key: parts for key, parts in pending.items() if parts}


def plan(graph, pending: Pairs, days_per_run: int) -> list[PlannedRun]:
    """Runs for the pending partitions: assets needing the same days share a run, runs in dependency order, each
    range of consecutive days cut into chunks of ``days_per_run``; unpartitioned assets (the snapshot) go last.
    Should two sets of assets depend on each other both ways, they share one run over their days together."""
    groups: dict[frozenset, set[dg.AssetKey]] = {}
    unpartitioned = tuple(sorted((k for k in pending if graph.get(k).partitions_def is None), key=str))
    for key in pending:
        if graph.get(key).partitions_def is not None:
            groups.setdefault(frozenset(pending[key]), set()).add(key)
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


def _materialized(instance: dg.DagsterInstance, run_id: str) -> Pairs:
    """What the run materialized: its own partitions, and those it reported changed beyond them (late readings,
    the days of a file)."""
    out: Pairs = {}
    for record in instance.all_logs(run_id, of_type=dg.DagsterEventType.ASSET_MATERIALIZATION):
        out.setdefault(record.asset_materialization.asset_key, set()).add(record.asset_materialization.partition)
    return out


class _Built:
    """The partitions of an asset materialized so far (asked once per asset)."""

    def __init__(self, instance: dg.DagsterInstance):
        self.instance, self.known = instance, {}

    def __call__(self, key: dg.AssetKey) -> set[str]:
        if key not in self.known:
            self.known[key] = set(self.instance.get_materialized_partitions(key))
        return self.known[key]


def _remove(pending: Pairs, done: Pairs) -> None:
    for key, parts in done.items():
        if key in pending:
            pending[key] -= parts


def _is_reference(graph, key: dg.AssetKey) -> bool:
    return REFERENCE_TAGS.items() <= graph.get(key).tags.items()


def _child_partitions(graph, parent: dg.AssetKey, child: dg.AssetKey, parts: set) -> set:
    if not parts:
        return set()
    child_def, parent_def = graph.get(child).partitions_def, graph.get(parent).partitions_def
    if child_def is None:
        return {None}
    if parent_def is None:
        return set(child_def.get_partition_keys())
    subset = graph.get_partition_mapping(child, parent).get_downstream_partitions_for_partitions(
        parent_def.empty_subset().with_partition_keys(sorted(p for p in parts if p is not None)),
        parent_def,
        downstream_partitions_def=child_def,
    )
    return set(subset.get_partition_keys())


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

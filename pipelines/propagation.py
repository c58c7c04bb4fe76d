"""Propagation after in-process runs: which partitions downstream of what the runs changed are left to re-derive,
and in which runs (``pipelines.runs.Runs.propagate`` executes them).

Where the daemon runs, the automation sensor does this (``sensors/propagation.py``, the conditions of
``assets/automation.py``). ``envmon run`` and ``envmon ingest`` run in-process, without a daemon, and must give the
same result at once: this module follows the same partition mappings of the same asset graph, and runs what is
left in a few runs (one per range of days shared by a set of assets, in bounded chunks).

What a run changed: the staging partitions it materialized for its own days (whose downstream the run itself
re-derived after them), and the partitions it changed beyond its own days (late readings, the days of a
monitoring-centre file), whose downstream it did not.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import dagster as dg
from dagster._core.storage.tags import ASSET_PARTITION_RANGE_END_TAG, ASSET_PARTITION_RANGE_START_TAG, PARTITION_NAME_TAG

from assets.automation import REFERENCE_TAGS, changed_upstream_of_evaluated_day
from assets.partitions import MAX_DAYS_PER_RUN

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
    """The asset partitions that the runs (in the order they ran) left to re-derive."""
    pending: Pairs = {}
    for run_id in run_ids:
        own, beyond, done = _changes(instance, run_id)
        _remove(pending, done)
        for key, parts in downstream(graph, own).items():
            pending.setdefault(key, set()).update(parts - done.get(key, set()))
        for key, parts in downstream(graph, beyond).items():  # the run did not re-derive these after the change
            pending.setdefault(key, set()).update(parts)
    for key, parts in pending.items():
        if graph.get(key).automation_condition == changed_upstream_of_evaluated_day:
            parts &= set(instance.get_materialized_partitions(key))
    return {key: parts for key, parts in pending.items() if parts}


def downstream(graph, changed: Pairs) -> Pairs:
    """Every partition of an automated asset that depends, through the partition mappings, on a changed one.
    Reference assets (seeds, models of seeds) changing trigger nothing (``assets/automation.py``)."""
    affected: Pairs = {}
    for key in graph.toposorted_asset_keys:
        node = graph.get(key)
        if node.automation_condition is None:
            continue
        for parent in node.parent_keys:
            parts = changed.get(parent, set()) | affected.get(parent, set())
            if parts and not _is_reference(graph, parent):
                affected.setdefault(key, set()).update(_child_partitions(graph, parent, key, parts))
    return affected


def plan(graph, pending: Pairs) -> list[PlannedRun]:
    """Runs for the pending partitions: assets needing the same days share a run (in dependency order), each range
    of consecutive days cut into chunks of ``MAX_DAYS_PER_RUN``; unpartitioned assets (the snapshot) go last."""
    order = {key: i for i, key in enumerate(graph.toposorted_asset_keys)}
    groups: dict[frozenset, list[dg.AssetKey]] = {}
    unpartitioned = []
    for key in sorted(pending, key=order.get):
        if graph.get(key).partitions_def is None:
            unpartitioned.append(key)
        else:
            groups.setdefault(frozenset(pending[key]), []).append(key)
    runs = [
        PlannedRun(tuple(keys), first, last)
        for days, keys in sorted(groups.items(), key=lambda g: order[g[1][0]])
        for first, last in _ranges(sorted(days))
    ]
    if unpartitioned:
        if runs:
            runs[-1] = PlannedRun(runs[-1].assets + tuple(unpartitioned), runs[-1].first, runs[-1].last)
        else:
            runs.append(PlannedRun(tuple(unpartitioned)))
    return runs


def _changes(instance: dg.DagsterInstance, run_id: str) -> tuple[Pairs, Pairs, Pairs]:
    """(changed for the run's own days, changed beyond them, everything it materialized)."""
    run = instance.get_run_by_id(run_id)
    start, end = run.tags.get(ASSET_PARTITION_RANGE_START_TAG), run.tags.get(ASSET_PARTITION_RANGE_END_TAG)
    if start is None and PARTITION_NAME_TAG in run.tags:
        start = end = run.tags[PARTITION_NAME_TAG]
    own: Pairs = {}
    beyond: Pairs = {}
    for record in instance.all_logs(run_id, of_type=dg.DagsterEventType.ASSET_MATERIALIZATION):
        mat = record.asset_materialization
        inside = mat.partition is None or (start is not None and start <= mat.partition <= end)
        (own if inside else beyond).setdefault(mat.asset_key, set()).add(mat.partition)
    done = {key: set(own.get(key, set())) | beyond.get(key, set()) for key in own.keys() | beyond.keys()}
    return own, beyond, done


def _remove(pending: Pairs, done: Pairs) -> None:
    for key, parts in done.items():
        if key in pending:
            pending[key] -= parts


def _is_reference(graph, key: dg.AssetKey) -> bool:
    return REFERENCE_TAGS.items() <= graph.get(key).tags.items()


def _child_partitions(graph, parent: dg.AssetKey, child: dg.AssetKey, parts: set) -> set:
    child_def, parent_def = graph.get(child).partitions_def, graph.get(parent).partitions_def
    if child_def is None:
        return {None}
    if parent_def is None:
        return set(child_def.get_partition_keys())
    subset = graph.get_partition_mapping(child, parent).get_downstream_partitions_for_partitions(
        parent_def.empty_subset().with_partition_keys(sorted(p for p in parts if p is not None)),
        parent_def, downstream_partitions_def=child_def,
    )
    return set(subset.get_partition_keys())


def _ranges(days: list[str]) -> list[tuple[str, str]]:
    """Consecutive runs of days, each cut into chunks of at most MAX_DAYS_PER_RUN."""
    ranges, chunk = [], []
    for key in days:
        day = dt.date.fromisoformat(key)
        if chunk and (day - dt.date.fromisoformat(chunk[-1]) != dt.timedelta(days=1) or len(chunk) == MAX_DAYS_PER_RUN):
            ranges.append((chunk[0], chunk[-1]))
            chunk = []
        chunk.append(key)
    return ranges + ([(chunk[0], chunk[-1])] if chunk else [])


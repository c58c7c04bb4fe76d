"""Propagation after in-process runs: Dagster evaluates the automation conditions (``assets/automation.py``, the
same that the daemon's ``propagation_sensor`` evaluates) and the command runs the partitions it requests, until
nothing more is requested. What re-derives what is decided in one place, by Dagster; this module only runs it
(grouped into few runs by ``pipelines/run_groups.py``).

The evaluation's cursor (what has been handled) is kept in the instance (``pipelines/automation_cursor.py``) and
advanced only once the runs it requested have ended: a command killed (kill -9, power cut) during its
propagation leaves the cursor from before, and the next command that propagates (``envmon run``, ``envmon
ingest``, ``envmon exclude``, a full refresh) evaluates from it again first and re-derives what was left.
A run that fails is reported by the command; as for the daemon, its request counts as handled (a failure may be
a blocking check that stopped the data on purpose): the days are re-derived by a later change or by
``envmon run`` of those days.
"""

from __future__ import annotations

import dagster as dg

from pipelines.automation_cursor import load_cursor, newest_event, save_cursor
from pipelines.run_groups import PlannedRun, Requested, plan

# Each round re-derives everything downstream of the changes at once (a request reaches the assets below it in
# the same evaluation); a second round finds nothing. More rounds than this mean the evaluations do not settle.
MAX_ROUNDS = 5
PROPAGATION_TAGS = {"envmon/started_by": "propagation"}


class PropagationDidNotSettle(RuntimeError):
    pass


def requested(result, graph) -> Requested:
    """The asset partitions an evaluation requested (None for an unpartitioned asset)."""
    return {
        key: set(result.get_requested_partitions(key))
        for key in graph.get_all_asset_keys()
        if result.get_num_requested(key)
    }


def evaluate(defs: dg.Definitions, instance: dg.DagsterInstance, cursor):
    return dg.evaluate_automation_conditions(defs, instance, asset_selection=dg.AssetSelection.all(), cursor=cursor)


def propagate(runs, defs: dg.Definitions) -> None:
    """Evaluate, run what is requested (with the daily job, which holds every asset), evaluate again, until nothing
    is requested; the cursor is saved after each round whose runs ended. ``runs`` is a ``pipelines.runs.Runs``."""
    job = defs.resolve_job_def("daily_job")
    graph = job.asset_layer.asset_graph
    cursor, seen = load_cursor(runs.instance)
    for _ in range(MAX_ROUNDS):
        newest = newest_event(runs.instance)  # read before evaluating: whatever is stored meanwhile is newer
        if cursor is not None and newest == seen:
            return  # nothing happened in the instance since the cursor's evaluation: this one would find nothing
        result = evaluate(defs, runs.instance, cursor)
        wanted = requested(result, graph)
        ok = execute(runs, job, plan(graph, wanted, runs.days_per_run))
        # only now: a crash before this re-requests the same partitions
        save_cursor(runs.instance, result.cursor, newest)
        if not wanted or not ok:
            return
        cursor, seen = result.cursor, newest
    raise PropagationDidNotSettle(
        f"propagation still requested runs after {MAX_ROUNDS} rounds of evaluation (last: "
        + ", ".join(
            f"{key.to_user_string()} {len(parts)} partition(s)" for key, parts in sorted(wanted.items(), key=str)
        )
        + "): the automation conditions of assets/automation.py keep re-requesting what they re-derive. "
        "Fix: check the conditions and the partition mappings of those assets"
    )


def execute(runs, job: dg.JobDefinition, planned: list[PlannedRun]) -> bool:
    """The runs in order; after a failed one the rest (which read its assets) are not run, and its label in
    ``runs.failed`` says what was left and how to re-derive it. True when all succeeded."""
    for i, run in enumerate(planned):
        if runs.run(job, run.label, run.assets, {**run.tags(), **PROPAGATION_TAGS}).success:
            continue
        days = sorted({day for r in planned[i:] for day in (r.first, r.last) if day})
        if days:
            label, run_id, error = runs.failed[-1]
            after = f"{len(planned) - i - 1} run(s) after it not run; " if i + 1 < len(planned) else ""
            label += f" ({after}re-derive the days with envmon run --start {days[0]} --end {days[-1]})"
            runs.failed[-1] = (label, run_id, error)
        return False
    return True

"""Propagation's engine on a tiny graph with the project's own condition (``assets/automation.py``): what Dagster
counts as handled, why the cursor is saved only after the runs, and the catch-up that re-derives what a crash
left. Three daily assets, each reading the day before too (as the 24-h means, the alerts' look-back):
staging -> marts -> alerts."""

import dagster as dg
import pytest

import pipelines.propagation as propagation
from assets.automation import changed_upstream
from pipelines.runs import Runs

pytestmark = pytest.mark.pipeline

DAYS = dg.DailyPartitionsDefinition("2026-01-01", end_date="2026-01-06")
D = [f"2026-01-0{d}" for d in range(1, 6)]


@dg.asset(partitions_def=DAYS)
def staging() -> None:
    pass


@dg.asset(
    partitions_def=DAYS,
    deps=[dg.AssetDep(staging, partition_mapping=dg.TimeWindowPartitionMapping(start_offset=-1))],
    automation_condition=changed_upstream,
)
def marts() -> None:
    pass


@dg.asset(
    partitions_def=DAYS,
    deps=[dg.AssetDep(marts, partition_mapping=dg.TimeWindowPartitionMapping(start_offset=-1))],
    automation_condition=changed_upstream,
)
def alerts() -> None:
    pass


DEFS = dg.Definitions(assets=[staging, marts, alerts], jobs=[dg.define_asset_job("daily_job")])
JOB = DEFS.resolve_job_def("daily_job")


def requested(instance, cursor) -> tuple[dict, object]:
    result = propagation.evaluate(DEFS, instance, cursor)
    graph = DEFS.resolve_asset_graph()
    return {k.to_user_string(): v for k, v in propagation.requested(result, graph).items()}, result.cursor


def build(instance, keys, days):
    for day in days:
        assert JOB.execute_in_process(instance=instance, partition_key=day, asset_selection=keys).success


def run_ids(instance) -> set[str]:
    return {run.run_id for run in instance.get_runs()}


def rederived_since(instance, before: set[str]) -> dict[str, set]:
    """What the runs not in ``before`` materialized."""
    out: dict[str, set] = {}
    for run in instance.get_runs():
        if run.run_id in before:
            continue
        for e in instance.all_logs(run.run_id, of_type=dg.DagsterEventType.ASSET_MATERIALIZATION):
            out.setdefault(e.asset_materialization.asset_key.to_user_string(), set()).add(
                e.asset_materialization.partition
            )
    return out


def test_a_request_counts_as_handled_so_only_the_old_cursor_requests_it_again():
    instance = dg.DagsterInstance.ephemeral()
    _, cursor = requested(instance, None)  # the first evaluation only sets the baseline
    build(instance, [staging.key, marts.key, alerts.key], D)
    assert requested(instance, cursor)[0] == {}  # built in the same runs: nothing left
    _, cursor = requested(instance, cursor)
    build(instance, [staging.key], [D[1]])  # a late file changes day 2

    wanted, after_request = requested(instance, cursor)
    assert wanted == {"marts": {D[1], D[2]}, "alerts": {D[1], D[2], D[3]}}  # day 2 and the days that look back
    assert requested(instance, after_request)[0] == {}  # requested = handled, run or not: hence the saved cursor
    assert requested(instance, cursor)[0] == wanted  # the cursor from before the request asks again
    build(instance, [marts.key], [D[1], D[2]])  # a crash after the marts: only the alerts are left
    assert requested(instance, cursor)[0] == {"alerts": {D[1], D[2], D[3]}}


def test_one_evaluation_does_not_see_the_order_of_the_updates_it_covers():
    """Why commands evaluate before their own runs and after each window: a mart rebuilt and then its staging day
    changed, seen by one evaluation, looks handled (the installed Dagster's behaviour; should it change, the
    extra evaluations only cost time)."""
    instance = dg.DagsterInstance.ephemeral()
    build(instance, [staging.key, marts.key, alerts.key], D)
    _, cursor = requested(instance, None)
    build(instance, [staging.key, marts.key, alerts.key], [D[3]])
    build(instance, [staging.key], [D[3]])  # then day 4 changes again, before any evaluation
    assert "2026-01-04" not in requested(instance, cursor)[0].get("marts", set())


def test_a_crash_during_propagation_leaves_the_requests_to_the_next_command(monkeypatch):
    instance = dg.DagsterInstance.ephemeral()
    with Runs(instance, "build") as runs:
        for day in D:
            runs.run(JOB, day, tags={"dagster/partition": day})
    with Runs(instance, "first", days_per_run=31, defs=DEFS) as runs:  # entering sets the baseline
        runs.run(JOB, "late file", [staging.key], {"dagster/partition": D[1]})
        before = run_ids(instance)
        real_execute = propagation.execute

        def crash_after_the_first_run(runs, job, planned):
            real_execute(runs, job, planned[:1])
            raise SystemExit("killed")  # the process dies here: the cursor is not saved

        monkeypatch.setattr(propagation, "execute", crash_after_the_first_run)
        with pytest.raises(SystemExit):
            runs.propagate()
        assert not runs.failed
    assert rederived_since(instance, before) == {"marts": {D[1], D[2]}}  # the alerts were left
    monkeypatch.setattr(propagation, "execute", real_execute)

    before = run_ids(instance)
    with Runs(instance, "next command", days_per_run=31, defs=DEFS) as runs:  # its catch-up, before its own runs
        assert not runs.failed
    assert rederived_since(instance, before) == {"alerts": {D[1], D[2], D[3]}}
    before = run_ids(instance)
    with Runs(instance, "then", days_per_run=31, defs=DEFS):
        pass
    assert run_ids(instance) == before  # handled once: nothing more is requested


def test_a_command_skips_the_evaluation_when_nothing_happened_since_the_last(monkeypatch):
    instance = dg.DagsterInstance.ephemeral()
    build(instance, [staging.key, marts.key, alerts.key], D)
    with Runs(instance, "first", defs=DEFS):  # entering evaluates: the baseline
        pass
    evaluations = []
    real_evaluate = propagation.evaluate
    monkeypatch.setattr(propagation, "evaluate", lambda *a: evaluations.append(a) or real_evaluate(*a))

    with Runs(instance, "nothing since", defs=DEFS):
        pass
    assert evaluations == []  # the instance holds the same newest event: an evaluation would find nothing

    build(instance, [staging.key], [D[1]])  # a late file, run outside any command (the UI, the daemon)
    before = run_ids(instance)
    with Runs(instance, "after a change", defs=DEFS) as runs:
        assert rederived_since(instance, before) == {"marts": {D[1], D[2]}, "alerts": {D[1], D[2], D[3]}}
        assert len(evaluations) == 2  # the one that requested the re-derivation, and the one that found nothing
        runs.propagate()  # nothing happened since that last evaluation
    assert len(evaluations) == 2

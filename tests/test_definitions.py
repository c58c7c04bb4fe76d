"""The whole code location loads: every asset, check, job, schedule and sensor."""

import datetime as dt

import dagster as dg

from pipelines.definitions import defs


def test_definitions_load_without_error():
    dg.Definitions.validate_loadable(defs)
    repo = defs.get_repository_def()
    for job in repo.get_all_jobs():
        assert job.name
    keys = {k.to_user_string() for k in defs.resolve_asset_graph().get_all_asset_keys()}
    assert {"staging/air_hourly", "seeds/stations", "published/snapshot"} <= keys
    assert defs.resolve_job_def("daily_job").partitions_def.timezone == "Asia/Shanghai"


def test_daily_schedule_runs_at_nine_for_yesterday():
    schedule = defs.resolve_schedule_def("daily_job_schedule")
    assert schedule.cron_schedule == "0 9 * * *"
    assert schedule.execution_timezone == "Asia/Shanghai"
    nine_am_cst = dt.datetime(2026, 11, 28, 1, 0, tzinfo=dt.UTC)
    context = dg.build_schedule_context(scheduled_execution_time=nine_am_cst)
    run_requests = list(schedule.evaluate_tick(context).run_requests or [])
    assert [r.partition_key for r in run_requests] == ["2026-11-27"]


def test_every_writer_is_in_the_duckdb_pool():
    for node in defs.resolve_job_def("daily_job").graph.node_defs:
        assert node.pool == "duckdb_writer", node.name

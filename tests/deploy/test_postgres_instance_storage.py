"""The PostgreSQL instance on a real server: Dagster's own classes (dagster_postgres) for runs, events and schedules,
configured by pipelines/instance_config.py; a run's events and partitions read back by a second instance, and a
server that ended every session (as a restart does) costs nothing to the next run."""

import os

import dagster as dg
import pytest
from dagster_postgres import PostgresEventLogStorage, PostgresRunStorage, PostgresScheduleStorage

from pipelines.instance import get_instance
from tests.postgres_server import PostgresServer, postgres_bin

pytestmark = [
    pytest.mark.pipeline,
    pytest.mark.server,
    pytest.mark.skipif(postgres_bin() is None, reason="PostgreSQL server binaries not installed (.ci/system-packages)"),
]


@dg.asset(partitions_def=dg.DailyPartitionsDefinition("2026-11-01"))
def daily_thing(context) -> None:
    context.log.info("built")


@pytest.fixture(scope="module")
def postgres():
    with PostgresServer() as pg:
        yield pg


def test_runs_events_and_schedules_in_dagsters_postgres_classes(postgres, tmp_path, monkeypatch):
    # the process's environment, as in a deployment: Dagster reads the URL there (the file's env: indirection)
    monkeypatch.setenv("DAGSTER_HOME", str(tmp_path / "dagster"))
    monkeypatch.setenv("ENVMON_DAGSTER_POSTGRES_URL", postgres.url)
    before = dict(os.environ)
    with get_instance() as instance:
        assert type(instance.run_storage) is PostgresRunStorage
        assert type(instance.event_log_storage) is PostgresEventLogStorage
        assert type(instance.schedule_storage) is PostgresScheduleStorage
        first = dg.materialize([daily_thing], instance=instance, partition_key="2026-11-02")

        others = "usename = current_user AND pid <> pg_backend_pid()"  # as a restart ends every session
        postgres.query(f"SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE {others}")
        assert dg.materialize([daily_thing], instance=instance, partition_key="2026-11-03").success
    assert dict(os.environ) == before  # the URL went to Dagster through the instance file's env: indirection

    with get_instance() as again:
        assert again.get_materialized_partitions(daily_thing.key) == {"2026-11-02", "2026-11-03"}
        logs = again.get_records_for_run(first.run_id).records
        assert any(r.event_log_entry.user_message == "built" for r in logs)

"""The PostgreSQL instance's event log (pipelines/postgres_event_log_storage.py) on a real server: Dagster's own
class reads what it wrote, a run's events go through one kept connection instead of one per event, and a forked
child and a restarted server each get a working connection of their own."""

import os

import dagster as dg
import pytest
import sqlalchemy
from dagster_postgres import PostgresEventLogStorage

from pipelines.instance import get_instance
from pipelines.postgres_event_log_storage import KeptConnectionPostgresEventLogStorage
from tests.postgres_server import PostgresServer, postgres_bin

pytestmark = [
    pytest.mark.pipeline,
    pytest.mark.server,
    pytest.mark.skipif(postgres_bin() is None, reason="PostgreSQL server binaries not installed (.ci/run)"),
]


@dg.asset(partitions_def=dg.DailyPartitionsDefinition("2026-11-01"))
def daily_thing(context) -> None:
    context.log.info("built")


@pytest.fixture(scope="module")
def postgres():
    with PostgresServer() as pg:
        yield pg


@pytest.fixture
def instance(postgres, tmp_path, monkeypatch):
    monkeypatch.setenv("DAGSTER_HOME", str(tmp_path / "dagster"))
    monkeypatch.setenv("ENVMON_DAGSTER_POSTGRES_URL", postgres.url)
    with get_instance() as instance:
        yield instance


def test_a_run_writes_through_one_kept_connection_that_dagsters_class_reads(instance, postgres):
    assert isinstance(instance.event_log_storage, KeptConnectionPostgresEventLogStorage)
    dg.materialize([daily_thing], instance=instance, partition_key="2026-11-02")  # tables, first connection
    connects = []
    sqlalchemy.event.listen(instance.event_log_storage._engine, "connect", lambda *_: connects.append(1))
    result = dg.materialize([daily_thing], instance=instance, partition_key="2026-11-03")
    # Dagster's class opens a connection for every event; this one reuses the one it keeps (and opens a second
    # where Dagster's code holds two at once)
    events = len(instance.get_records_for_run(result.run_id).records)
    assert events > 10 and len(connects) <= 2, (events, len(connects))

    stock = PostgresEventLogStorage(postgres.url)
    assert any(r.event_log_entry.user_message == "built" for r in stock.get_records_for_run(result.run_id).records)
    assert stock.get_materialized_partitions(daily_thing.key) == {"2026-11-02", "2026-11-03"}


def test_a_forked_child_and_a_restarted_server_get_connections_of_their_own(instance, postgres):
    storage = instance.event_log_storage

    def backend_pid() -> int:
        with storage.index_connection() as conn:
            return conn.exec_driver_sql("SELECT pg_backend_pid()").scalar()

    parent = backend_pid()
    assert backend_pid() == parent  # kept
    read, write = os.pipe()
    child = os.fork()
    if child == 0:  # the child's own session, and the parent's socket left alone
        try:
            os.write(write, str(backend_pid()).encode())
        finally:
            os._exit(0)
    os.close(write)
    os.waitpid(child, 0)
    assert int(os.read(read, 32)) not in (0, parent)
    assert backend_pid() == parent

    postgres.query("SELECT pg_terminate_backend(%s)", [parent])  # as a server restart ends every session
    assert backend_pid() != parent
    dg.materialize([daily_thing], instance=instance, partition_key="2026-11-04")
    assert "2026-11-04" in instance.get_materialized_partitions(daily_thing.key)

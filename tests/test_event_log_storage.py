"""The local instance's event log (pipelines/event_log_storage.py): the same files as Dagster's own SQLite class
(either reads what the other wrote, batches included), events visible to another process at once, and the UI's live
watch woken."""

import subprocess
import sys
import threading

import dagster as dg
import pytest
from dagster._core.storage.event_log.sqlite.sqlite_event_log import SqliteEventLogStorage
from dagster._core.storage.tags import ASSET_PARTITION_RANGE_END_TAG, ASSET_PARTITION_RANGE_START_TAG

from pipelines.event_log_storage import KeptConnectionSqliteEventLogStorage
from pipelines.instance import get_instance

pytestmark = [pytest.mark.pipeline, pytest.mark.subprocess]


@dg.asset(partitions_def=dg.DailyPartitionsDefinition("2026-11-01"))
def dayly_thing(context) -> None:
    context.log.info("built")


@dg.asset(partitions_def=dg.DailyPartitionsDefinition("2026-11-01"), backfill_policy=dg.BackfillPolicy.single_run())
def ranged_thing(context) -> None:
    context.log.info(f"built {context.partition_key_range}")


def _materialize(instance, partition: str) -> str:
    result = dg.materialize([dayly_thing], instance=instance, partition_key=partition)
    assert result.success
    return result.run_id


def test_the_local_instance_keeps_dagsters_files(tmp_path, monkeypatch):
    monkeypatch.setenv("DAGSTER_HOME", str(tmp_path / "dagster"))
    instance = get_instance()
    assert isinstance(instance.event_log_storage, KeptConnectionSqliteEventLogStorage)
    run_id = _materialize(instance, "2026-11-02")

    # Dagster's own class on the same folder reads the run and the asset's partition
    stock = SqliteEventLogStorage(str(tmp_path / "dagster" / "history" / "runs"))
    assert any(r.event_log_entry.user_message == "built" for r in stock.get_records_for_run(run_id).records)
    assert stock.get_materialized_partitions(dayly_thing.key) == {"2026-11-02"}

    # another process sees the kept connection's commits without this one closing anything
    _materialize(instance, "2026-11-03")
    seen = subprocess.run(
        [
            sys.executable,
            "-c",
            "import dagster as dg; i = dg.DagsterInstance.get(); "
            "print(sorted(i.get_materialized_partitions(dg.AssetKey('dayly_thing'))))",
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    assert seen.stdout.strip() == "['2026-11-02', '2026-11-03']"


def test_the_live_run_view_is_woken_by_new_events(tmp_path, monkeypatch):
    monkeypatch.setenv("DAGSTER_HOME", str(tmp_path / "dagster"))
    instance = get_instance()
    run_id = _materialize(instance, "2026-11-02")
    storage = instance.event_log_storage
    messages, woken = [], threading.Event()

    def on_event(entry, _cursor):
        messages.append(entry.message)
        if entry.message == "late note":
            woken.set()

    storage.watch(run_id, None, on_event)
    try:
        instance.report_engine_event("late note", instance.get_run_by_id(run_id))
        assert woken.wait(10), f"the watch saw only {messages[-3:]}"
    finally:
        storage.end_watch(run_id, on_event)
        storage.dispose()


def test_a_ranged_run_writes_its_asset_events_in_batches_that_dagster_reads(tmp_path, monkeypatch):
    monkeypatch.setenv("DAGSTER_HOME", str(tmp_path / "dagster"))
    instance = get_instance()  # the storage turns Dagster's batching on
    batches = []
    store = KeptConnectionSqliteEventLogStorage._store_asset_events

    def recorded(self, events):
        batches.append(sorted({(e.dagster_event_type.value, len(events)) for e in events}))
        store(self, events)

    monkeypatch.setattr(KeptConnectionSqliteEventLogStorage, "_store_asset_events", recorded)
    tags = {ASSET_PARTITION_RANGE_START_TAG: "2026-11-01", ASSET_PARTITION_RANGE_END_TAG: "2026-11-10"}
    assert dg.materialize([ranged_thing], instance=instance, tags=tags).success
    assert batches == [[("ASSET_MATERIALIZATION_PLANNED", 10)], [("ASSET_MATERIALIZATION", 10)]]

    stock = SqliteEventLogStorage(str(tmp_path / "dagster" / "history" / "runs"))
    days = {f"2026-11-{d:02d}" for d in range(1, 11)}
    assert stock.get_materialized_partitions(ranged_thing.key) == days
    planned = stock.get_event_records(
        dg.EventRecordsFilter(dg.DagsterEventType.ASSET_MATERIALIZATION_PLANNED, asset_key=ranged_thing.key)
    )
    assert {r.partition_key for r in planned} == days
    latest = stock.get_latest_materialization_events([ranged_thing.key])[ranged_thing.key]
    assert latest.dagster_event.partition == "2026-11-10"  # the asset's summary row holds the batch's last event

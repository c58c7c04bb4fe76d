"""Dagster's SQLite event log, with one kept connection per database file instead of one per event.

A run over many days records two events per asset and day (planned, materialized), a few thousand per run.
Dagster's ``SqliteEventLogStorage`` opens a new engine and connection for every write, and closing the last
connection of a WAL database checkpoints and syncs it: 5-8 ms per event on this project's machines, a third of a
14-day ``envmon run`` (bench/README.md, "incremental"). This subclass keeps one pooled connection per database file
(the index and the last few run shards), with ``synchronous=NORMAL``: a commit is atomic and survives a killed
process; only a power loss can drop the last events before a checkpoint (SQLite's documented WAL trade-off).

A run over a range of days also writes its asset events in batches (Dagster's ``DAGSTER_EVENT_BATCH_SIZE``, which
this storage turns on): the planned events of a run, the materializations of an asset's days. Dagster's SQLite class
stores a batch one event at a time; here a batch is one transaction per file, and the asset's summary row (its
latest event) is written once per batch, as Dagster's PostgreSQL storage does. A check planned for a run's days
has a row per day, as in Dagster, with its event serialized once instead of once per row.

Same files, same schema: an instance can switch to or from Dagster's class at any time. The UI's live run view
watches a run's database file for changes; with kept connections the writes land in its ``-wal`` file first, so the
watch here listens to both.
"""

from __future__ import annotations

import itertools
import os
from collections import OrderedDict
from collections.abc import Iterator, Sequence
from contextlib import contextmanager

import sqlalchemy as db
from dagster import DagsterEventType, EventLogEntry, Field, StringSource
from dagster._core.storage.asset_check_execution_record import AssetCheckExecutionRecordStatus
from dagster._core.storage.event_log.schema import AssetCheckExecutionsTable, SqlEventLogStorageTable
from dagster._core.storage.event_log.sqlite.sqlite_event_log import (
    INDEX_SHARD_NAME,
    SqliteEventLogStorage,
    SqliteEventLogStorageWatchdog,
)
from dagster._core.storage.sqlite import SQLITE_BUSY_TIMEOUT_SECONDS
from dagster._serdes import serialize_value
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.pool import QueuePool
from watchdog.observers import Observer

# the index and the shards of the runs in progress; a daemon process writes a handful of runs at once at most
KEPT_RUN_SHARDS = 8

# events per batch: a 31-day run plans ~2,400 events; a batch is held in memory until written
EVENT_BATCH_SIZE = "1000"

# the batched events that go to the index as plain asset events (asset check events keep Dagster's path)
PLAIN_ASSET_EVENTS = {
    DagsterEventType.ASSET_MATERIALIZATION,
    DagsterEventType.ASSET_OBSERVATION,
    DagsterEventType.ASSET_MATERIALIZATION_PLANNED,
}


class KeptConnectionSqliteEventLogStorage(SqliteEventLogStorage):
    """The local instance's ``event_log_storage`` (``pipelines/instance_config.py``; see the module's doc)."""

    def __init__(self, base_dir: str, inst_data=None):
        self._engines: OrderedDict[str, Engine] = OrderedDict()
        self._engines_pid = os.getpid()
        self._tables_seen: set[str] = set()
        self._asset_key_index_cols = False
        super().__init__(base_dir, inst_data)
        # Dagster reads the variable at every event: set here, it holds in every process using this storage
        os.environ.setdefault("DAGSTER_EVENT_BATCH_SIZE", EVENT_BATCH_SIZE)

    @classmethod
    def config_type(cls):
        return {"base_dir": Field(StringSource, is_required=False)}

    @classmethod
    def from_config_value(cls, inst_data, config_value) -> KeptConnectionSqliteEventLogStorage:
        # Dagster's own default folder for a SQLite instance's event logs, so the switch keeps the history
        base_dir = config_value.get("base_dir") or os.path.join(os.environ["DAGSTER_HOME"], "history", "runs", "")
        return cls(base_dir, inst_data)

    def _engine(self, shard: str) -> Engine:
        if self._engines_pid != os.getpid():  # a forked child must not share its parent's SQLite connections
            self._engines = OrderedDict()
            self._engines_pid = os.getpid()
        engine = self._engines.get(shard)
        if engine is None:
            engine = db.create_engine(
                self.conn_string_for_shard(shard),
                poolclass=QueuePool,
                pool_size=1,
                max_overflow=4,  # Dagster's schema check opens a second one
                connect_args={"timeout": SQLITE_BUSY_TIMEOUT_SECONDS, "check_same_thread": False},
            )
            db.event.listen(engine, "connect", _normal_sync)
            self._engines[shard] = engine
            if len(self._engines) > KEPT_RUN_SHARDS + 1:
                oldest = next(s for s in self._engines if s != INDEX_SHARD_NAME)
                self._engines.pop(oldest).dispose()
        self._engines.move_to_end(shard)
        return engine

    @contextmanager
    def _connect(self, shard: str) -> Iterator[Connection]:
        # the parent's lock: one connection per file and process is used by one thread at a time
        with self._db_lock:
            engine = self._engine(shard)
            if shard not in self._initialized_dbs:
                self._initdb(engine)
                self._initialized_dbs.add(shard)
            with engine.connect() as conn, conn.begin():
                yield conn

    def store_event_batch(self, events: Sequence[EventLogEntry]) -> None:
        for plain, group in itertools.groupby(events, key=lambda e: e.dagster_event_type in PLAIN_ASSET_EVENTS):
            group = list(group)
            if plain and len({e.run_id for e in group}) == 1:
                self._store_asset_events(group)
            else:
                for event in group:
                    self.store_event(event)

    def _store_asset_events(self, events: list[EventLogEntry]) -> None:
        """What ``store_event`` does for each event, in one transaction per file: the run's log, the index's copy
        with the events' tags, and each asset's summary row from its last event of each kind."""
        rows = [self._event_to_row(event) for event in events]
        with self.run_connection(events[0].run_id) as conn:
            conn.execute(SqlEventLogStorageTable.insert(), rows)
        with self.index_transaction() as conn:
            table = SqlEventLogStorageTable
            ids = conn.execute(table.insert().returning(table.c.id, sort_by_parameter_order=True), rows).scalars().all()
            self._store_asset_event_tags(conn, events, ids)
            latest = {(e.dagster_event.asset_key, e.dagster_event_type): (i, e) for i, e in zip(ids, events)}
            for event_id, event in sorted(latest.values(), key=lambda pair: pair[0]):
                self._store_asset_event(conn, event, event_id)

    def _store_asset_check_evaluation_planned(self, event: EventLogEntry, event_id: int | None) -> None:
        # Dagster's rows, one per partition of the run, with the event serialized once instead of once per row
        # (a year's run planned 161 checks x 365 days: 11 s before the run started)
        planned = event.dagster_event.event_specific_data
        keys = planned.partitions_subset.get_partition_keys() if planned.partitions_subset else [None]
        shared = dict(
            asset_key=planned.asset_key.to_string(),
            check_name=planned.check_name,
            run_id=event.run_id,
            execution_status=AssetCheckExecutionRecordStatus.PLANNED.value,
            evaluation_event=serialize_value(event),
            evaluation_event_timestamp=self._event_insert_timestamp(event),
            evaluation_event_storage_id=event_id,
        )
        with self.index_connection() as conn:
            conn.execute(AssetCheckExecutionsTable.insert(), [{**shared, "partition": key} for key in keys])

    def has_table(self, table_name: str) -> bool:
        # asked before every asset event's tags, with a new engine each time; a table, once there, stays
        if table_name not in self._tables_seen and super().has_table(table_name):
            self._tables_seen.add(table_name)
        return table_name in self._tables_seen

    def _has_asset_key_index_cols_on_connection(self, conn: Connection) -> bool:
        # inspected at every asset event; a column, once migrated, stays
        self._asset_key_index_cols = self._asset_key_index_cols or super()._has_asset_key_index_cols_on_connection(conn)
        return self._asset_key_index_cols

    def wipe(self) -> None:
        self._drop_engines()  # before the files go
        super().wipe()

    def watch(self, run_id: str, cursor: str | None, callback) -> None:
        # Dagster's watch, with the watchdog below (the parent builds its own class inline)
        if not self._obs:
            self._obs = Observer()
            self._obs.start()
        watchdog = _RunShardWatchdog(self, run_id, callback, cursor)
        self._watchers[run_id][callback] = (watchdog, self._obs.schedule(watchdog, self._base_dir, recursive=True))

    def dispose(self) -> None:
        super().dispose()
        self._drop_engines()

    def _drop_engines(self) -> None:
        with self._db_lock:
            for engine in self._engines.values():
                engine.dispose()
            self._engines.clear()


class _RunShardWatchdog(SqliteEventLogStorageWatchdog):
    """Dagster's watch of a run's database file, also woken by its write-ahead log."""

    def __init__(self, event_log_storage, run_id, callback, cursor):
        super().__init__(event_log_storage, run_id, callback, cursor)
        self._patterns = [self._log_path, f"{self._log_path}-wal"]

    def on_modified(self, event) -> None:
        self._process_log()


def _normal_sync(dbapi_connection, _record) -> None:
    dbapi_connection.execute("PRAGMA synchronous=NORMAL")

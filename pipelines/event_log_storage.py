"""Dagster's SQLite event log, with one kept connection per database file instead of one per event.

A run over many days records two events per asset and day (planned, materialized), a few thousand per run.
Dagster's ``SqliteEventLogStorage`` opens a new engine and connection for every write, and closing the last
connection of a WAL database checkpoints and syncs it: 5-8 ms per event on this project's machines, a third of a
14-day ``envmon run`` (bench/README.md, "incremental"). This subclass keeps one pooled connection per database file
(the index and the last few run shards), with ``synchronous=NORMAL``: a commit is atomic and survives a killed
process; only a power loss can drop the last events before a checkpoint (SQLite's documented WAL trade-off).

Same files, same schema: an instance can switch to or from Dagster's class at any time. The UI's live run view
watches a run's database file for changes; with kept connections the writes land in its ``-wal`` file first, so the
watch here listens to both.
"""

from __future__ import annotations

import os
from collections import OrderedDict
from collections.abc import Iterator
from contextlib import contextmanager

import sqlalchemy as db
from dagster import Field, StringSource
from dagster._core.storage.event_log.sqlite.sqlite_event_log import (
    INDEX_SHARD_NAME,
    SqliteEventLogStorage,
    SqliteEventLogStorageWatchdog,
)
from dagster._core.storage.sqlite import SQLITE_BUSY_TIMEOUT_SECONDS
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.pool import QueuePool
from watchdog.observers import Observer

# the index and the shards of the runs in progress; a daemon process writes a handful of runs at once at most
KEPT_RUN_SHARDS = 8


class KeptConnectionSqliteEventLogStorage(SqliteEventLogStorage):
    """The local instance's ``event_log_storage`` (``pipelines/instance_config.py``; see the module's doc)."""

    def __init__(self, base_dir: str, inst_data=None):
        self._engines: OrderedDict[str, Engine] = OrderedDict()
        self._engines_pid = os.getpid()
        super().__init__(base_dir, inst_data)

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

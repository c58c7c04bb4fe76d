"""Dagster's PostgreSQL event log, with a kept connection instead of a new one for every event.

Dagster's ``PostgresEventLogStorage`` connects anew for every write (its engine has no pool, so that an instance
never holds a connection it does not use): a 14-day ``envmon run`` opened ~4,000 connections, 9 ms each with
password (SCRAM) authentication, 38 of its 99 s (bench/README.md, "incremental"). This subclass keeps one pooled
connection per process (more are opened for threads writing at once, and closed after use), checked before each
use so that a restarted server costs a reconnect, not an error. It also turns on Dagster's event batches
(``DAGSTER_EVENT_BATCH_SIZE``), which Dagster's PostgreSQL class writes in one statement per batch.

Same tables, same schema: a deployment can switch to or from Dagster's class at any time.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager

from dagster_postgres import PostgresEventLogStorage
from dagster_postgres.utils import create_pg_engine, get_token_provider_from_config, pg_url_from_config
from sqlalchemy.engine import Connection

from pipelines.event_log_storage import EVENT_BATCH_SIZE

# threads of one process writing at the same time beyond the kept connection (the daemon's; the webserver
# replaces this engine with its own, Dagster's optimize_for_webserver)
EXTRA_CONNECTIONS = 10
RECYCLE_SECONDS = 3600  # a connection older than this is replaced (servers and proxies drop idle ones)


class KeptConnectionPostgresEventLogStorage(PostgresEventLogStorage):
    """The PostgreSQL instance's ``event_log_storage`` (``pipelines/instance_config.py``; see the module's doc)."""

    def __init__(self, postgres_url: str, should_autocreate_tables: bool = True, inst_data=None, token_provider=None):
        self._engine_pid = os.getpid()  # before Dagster's __init__, which connects to create the tables
        super().__init__(postgres_url, should_autocreate_tables, inst_data, token_provider)
        self._engine.dispose()
        self._engine = create_pg_engine(
            postgres_url,
            token_provider,
            isolation_level="AUTOCOMMIT",
            pool_size=1,
            max_overflow=EXTRA_CONNECTIONS,
            pool_recycle=RECYCLE_SECONDS,
            pool_pre_ping=True,
        )
        # Dagster reads the variable at every event: set here, it holds in every process using this storage
        os.environ.setdefault("DAGSTER_EVENT_BATCH_SIZE", EVENT_BATCH_SIZE)

    @classmethod
    def from_config_value(cls, inst_data, config_value) -> KeptConnectionPostgresEventLogStorage:
        return cls(
            pg_url_from_config(config_value),
            config_value.get("should_autocreate_tables", True),
            inst_data,
            get_token_provider_from_config(config_value),
        )

    @contextmanager
    def _connect(self) -> Iterator[Connection]:
        if self._engine_pid != os.getpid():  # a forked child must not use its parent's socket: it opens its own
            self._engine.dispose(close=False)
            self._engine_pid = os.getpid()
        with super()._connect() as conn:
            yield conn

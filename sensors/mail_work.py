"""What the mail sensors read to decide whether to request a run, without the warehouse's writer.

A tick must take under a second and must never wait for the write lock (up to 60 s, ``warehouse.connection``), so
it reads the published snapshot: a read-only copy that no process writes (it is replaced by an atomic rename), in
one short read-only connection, one count over ``alerts.deliveries`` and ``meta.ingest_problems``.
The snapshot can lag the warehouse; every writer of the queue that matters here republishes it (the daily run's
last step, the mail jobs when their pass changed the queue, `envmon ack`), and the daily digest run is requested
by the clock, not by the snapshot (``sensors/alert_delivery.py``).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import dagster as dg
import duckdb

from warehouse.connection import fetch_one, read_connection

IN_FLIGHT = [
    dg.DagsterRunStatus.QUEUED,
    dg.DagsterRunStatus.NOT_STARTED,
    dg.DagsterRunStatus.STARTING,
    dg.DagsterRunStatus.STARTED,
]


def due_deliveries(snapshot: Path, now: dt.datetime) -> int | None:
    """Pending deliveries whose next attempt has come and that no pass holds, in the snapshot; None when there is
    no snapshot yet, or it cannot answer (an old or unreadable copy): the caller then requests a pass anyway."""
    if not snapshot.exists():
        return None
    try:
        with read_connection(snapshot) as con:
            row = fetch_one(
                con,
                "SELECT count(*) FROM alerts.deliveries WHERE status = 'pending' AND next_attempt <= ? "
                "AND (claimed_until IS NULL OR claimed_until <= ?)",
                [now, now],
            )
    except duckdb.Error:
        return None
    return int(row[0]) if row else 0


def run_problem_lines(snapshot: Path, run_id: str, ended: float | None) -> int | None:
    """The problem lines the run stored, as the snapshot knows them; None when the snapshot cannot tell (missing,
    unreadable, or published before the run ended, so the run's lines may not be in it)."""
    if not snapshot.exists() or ended is None or snapshot.stat().st_mtime < ended:
        return None
    try:
        with read_connection(snapshot) as con:
            row = fetch_one(con, "SELECT count(*) FROM meta.ingest_problems WHERE run_id = ?", [run_id])
    except duckdb.Error:
        return None
    return int(row[0]) if row else 0


def in_flight(instance: dg.DagsterInstance, job_name: str) -> bool:
    """A run of ``job_name`` queued or running (the run storage, not the warehouse): the next tick waits for it."""
    return bool(instance.get_run_ids(dg.RunsFilter(job_name=job_name, statuses=IN_FLIGHT), limit=1))


def failed_recently(instance: dg.DagsterInstance, job_name: str, now: float, wait: float) -> float | None:
    """When the last run of ``job_name`` failed, if that was less than ``wait`` seconds before ``now`` (a
    timestamp): a pass that fails every time (a broken mail setting) then runs every ``wait`` seconds, not every
    minute, each failure being a run in the UI and an e-mail to data operations."""
    records = instance.get_run_records(dg.RunsFilter(job_name=job_name), limit=1)
    if not records or records[0].dagster_run.status != dg.DagsterRunStatus.FAILURE:
        return None
    ended = records[0].end_time
    return ended if ended is not None and now - ended < wait else None

"""Where in-process propagation keeps its automation cursor: one row of the Dagster instance's key-value store
(the table where Dagster's own daemons keep their cursors), so that it lives in the same database as the runs
(SQLite, or PostgreSQL in a deployment), is written in one transaction, and survives any crash of the command.

The cursor is Dagster's own (``dg.serialize_value``: every condition's state over the partitions, about 700 KB of
JSON for this project's graph), stored compressed. It is kept apart from the daemon's cursor of
``propagation_sensor``: each engine knows what it has handled (docs/models.md, "Propagation").

Beside it, in the same transaction: the newest event-log record the instance held just before that evaluation.
While the instance holds the same newest record, nothing has been materialized, planned, started or ended since, and
an evaluation from the cursor would request nothing: the command skips it (2-5 s each).
"""

from __future__ import annotations

import base64
import zlib

import dagster as dg

KEY = "envmon/propagation_cursor"
SEEN_KEY = "envmon/propagation_cursor_seen"  # the newest event-log record when that cursor was evaluated


def newest_event(instance: dg.DagsterInstance) -> int:
    """The id of the instance's newest event-log record. With SQLite that is Dagster's index database, which holds
    every asset, check and run-status event (what an evaluation reads); with PostgreSQL the one events table."""
    return instance.event_log_storage.get_maximum_record_id() or 0


def load_cursor(instance: dg.DagsterInstance) -> tuple[object | None, int | None]:
    """The cursor saved last, or None before the first evaluation (which then only sets the baseline), and the
    newest event-log record seen before it was evaluated (None if not saved)."""
    values = instance.run_storage.get_cursor_values({KEY, SEEN_KEY})
    stored = values.get(KEY)
    if not stored:
        return None, None
    seen = int(values[SEEN_KEY]) if values.get(SEEN_KEY) else None
    try:
        return dg.deserialize_value(zlib.decompress(base64.b64decode(stored)).decode()), seen
    except Exception as exc:  # e.g. written by another Dagster version: loud, with the fix
        raise RuntimeError(
            f"the propagation cursor (key {KEY!r} in the Dagster instance's key-value store) cannot be read: {exc}. "
            "Fix: delete that key (SQLite: DELETE FROM kvs WHERE key = 'envmon/propagation_cursor' in "
            "$DAGSTER_HOME/history/runs.db); the next command starts from a new cursor, and what was left to "
            "re-derive is re-derived with envmon run --start D --end D for the days in doubt"
        ) from exc


def save_cursor(instance: dg.DagsterInstance, cursor, seen: int) -> None:
    packed = base64.b64encode(zlib.compress(dg.serialize_value(cursor).encode(), 6)).decode()
    instance.run_storage.set_cursor_values({KEY: packed, SEEN_KEY: str(seen)})

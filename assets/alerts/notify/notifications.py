"""alerts.notifications: every state change x each of its recipients, and the one mail that tells it.

A state change is a notifying row of alerts.event_log (issued, upgraded, downgraded, lifted, retracted), identified
by its change id (a hash of alert id, day, status, level and revision: a re-run with the same outcome has the same
id, a corrected one a new id). Its row here is created once per recipient, with the channel chosen then
(immediate or digest); ``message_id`` is set in the same transaction as the mail that holds it is queued, so a
change can never be in two mails for one recipient, nor in none once its digest is due.
"""

from __future__ import annotations

import datetime as dt
import hashlib

import duckdb
import polars as pl

from assets.alerts.notify.contacts import Contact
from warehouse.partitions import registered


def change_key(row: dict) -> str:
    return f"{row['event_id']}|{row['day']}|{row['status']}|{row['level']}|{row['revision']}"


def change_id(row: dict) -> str:
    """A short, ASCII, stable id of one state change (the X-Envmon-Changes header lists those a mail holds)."""
    return hashlib.sha256(change_key(row).encode()).hexdigest()[:16]


def record(
    con: duckdb.DuckDBPyConnection, wanted: list[tuple[dict, Contact, str]], now: dt.datetime
) -> list[tuple[str, str, str]]:
    """The rows of the changes for their recipients, ``(state change row, contact, channel)`` each (within the
    caller's transaction); returns the (change id, recipient, channel) of those that were not there already."""
    if not wanted:
        return []
    frame = pl.DataFrame(
        [
            {
                "change_id": change_id(row),
                **{k: row[k] for k in ("event_id", "day", "kind", "subject", "status", "level", "revision")},
                "recipient": contact.email,
                "name": contact.name,
                "role": contact.role,
                "channel": channel,
                "evaluated_at": now,
            }
            for row, contact, channel in wanted
        ],
        schema=NOTIFICATION_COLUMNS,
    ).unique(["change_id", "recipient"], keep="first", maintain_order=True)
    with registered(con, "_notifications", frame):
        added = con.execute(
            f"INSERT INTO alerts.notifications ({', '.join(NOTIFICATION_COLUMNS)}) SELECT * FROM _notifications "
            "ON CONFLICT DO NOTHING RETURNING change_id, recipient, channel"
        ).fetchall()
    order = {key: i for i, key in enumerate(zip(frame["change_id"], frame["recipient"]))}
    return sorted(added, key=lambda r: order[(r[0], r[1])])  # in the order of ``wanted``


NOTIFICATION_COLUMNS = {
    "change_id": pl.String,
    "event_id": pl.String,
    "day": pl.Date,
    "kind": pl.String,
    "subject": pl.String,
    "status": pl.String,
    "level": pl.String,
    "revision": pl.Int32,
    "recipient": pl.String,
    "name": pl.String,
    "role": pl.String,
    "channel": pl.String,
    "evaluated_at": pl.Datetime("us"),
}


def immediate_recipients(con: duckdb.DuckDBPyConnection, event_ids: list[str]) -> set[tuple[str, str]]:
    """(alert, recipient) pairs to whom an earlier state change of one of these alerts was mailed at once."""
    if not event_ids:
        return set()
    return set(
        con.execute(
            "SELECT DISTINCT event_id, recipient FROM alerts.notifications "
            "WHERE channel = 'immediate' AND list_contains(?, event_id)",
            [sorted(set(event_ids))],
        ).fetchall()
    )


def attach(con: duckdb.DuckDBPyConnection, held: list[tuple[str, str, str]]) -> None:
    """Each mail holds these changes for its recipient, ``(change id, recipient, message id)`` each (only changes
    not in a mail yet)."""
    if not held:
        return
    frame = pl.DataFrame(held, schema=["change_id", "recipient", "message_id"], orient="row")
    with registered(con, "_held", frame):
        con.execute(
            "UPDATE alerts.notifications AS n SET message_id = h.message_id FROM _held AS h "
            "WHERE n.change_id = h.change_id AND n.recipient = h.recipient AND n.message_id IS NULL"
        )


def supersede_stale(con: duckdb.DuckDBPyConnection) -> int:
    """Changes waiting for a digest that a re-run has since replaced in the log: nothing left to tell."""
    return len(
        con.execute(
            "UPDATE alerts.notifications AS n SET superseded = true "
            "WHERE n.message_id IS NULL AND NOT n.superseded AND NOT EXISTS (SELECT 1 FROM alerts.event_states l "
            "WHERE l.event_id = n.event_id AND l.day = n.day AND l.status = n.status AND l.level = n.level "
            "AND l.revision = n.revision) RETURNING 1"
        ).fetchall()
    )

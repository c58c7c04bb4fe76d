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

from assets.alerts.contacts import Contact
from warehouse.connection import fetch_one


def change_key(row: dict) -> str:
    return f"{row['event_id']}|{row['day']}|{row['status']}|{row['level']}|{row['revision']}"


def change_id(row: dict) -> str:
    """A short, ASCII, stable id of one state change (the X-Envmon-Changes header lists those a mail holds)."""
    return hashlib.sha256(change_key(row).encode()).hexdigest()[:16]


def record(con: duckdb.DuckDBPyConnection, row: dict, contact: Contact, channel: str, now: dt.datetime) -> bool:
    """The change's row for ``contact`` (within the caller's transaction); False if it was there already."""
    added = fetch_one(
        con,
        "INSERT INTO alerts.notifications (change_id, event_id, day, kind, subject, status, level, revision, "
        "recipient, name, role, channel, evaluated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
        "ON CONFLICT DO NOTHING RETURNING 1",
        [
            change_id(row),
            row["event_id"],
            row["day"],
            row["kind"],
            row["subject"],
            row["status"],
            row["level"],
            row["revision"],
            contact.email,
            contact.name,
            contact.role,
            channel,
            now,
        ],
    )
    return added is not None


def was_immediate(con: duckdb.DuckDBPyConnection, event_id: str, recipient: str) -> bool:
    """Whether an earlier state change of the alert was mailed to ``recipient`` at once."""
    return (
        fetch_one(
            con,
            "SELECT count(*) FROM alerts.notifications WHERE event_id = ? AND recipient = ? AND channel = 'immediate'",
            [event_id, recipient],
        )[0]
        > 0
    )


def attach(con: duckdb.DuckDBPyConnection, change_ids: list[str], recipient: str, message_id: str) -> None:
    """The mail ``message_id`` holds these changes for ``recipient`` (only changes not in a mail yet)."""
    con.execute(
        "UPDATE alerts.notifications SET message_id = ? WHERE recipient = ? AND list_contains(?, change_id) "
        "AND message_id IS NULL",
        [message_id, recipient, change_ids],
    )


def supersede_stale(con: duckdb.DuckDBPyConnection) -> int:
    """Changes waiting for a digest that a re-run has since replaced in the log: nothing left to tell."""
    return len(
        con.execute(
            "UPDATE alerts.notifications AS n SET superseded = true "
            "WHERE n.message_id IS NULL AND NOT n.superseded AND NOT EXISTS (SELECT 1 FROM alerts.event_log l "
            "WHERE l.event_id = n.event_id AND l.day = n.day AND l.status = n.status AND l.level = n.level "
            "AND l.revision = n.revision) RETURNING 1"
        ).fetchall()
    )

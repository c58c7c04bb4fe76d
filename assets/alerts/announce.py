"""Turns lifecycle rows that must be announced into e-mails on the delivery queue (one per state change)."""

from __future__ import annotations

import datetime as dt
import json

import duckdb

from assets.alerts.contacts import Contact, recipients_for
from assets.alerts.email_render import Notification, render
from assets.alerts.lifecycle import set_message_id
from assets.alerts.queue import enqueue_email, message_id_for


def notification_for(row: dict, where: list[str]) -> Notification:
    evidence = json.loads(row["evidence"])
    return Notification(
        event_id=row["event_id"], status=row["status"], level=row["level"], title_zh=row["title_zh"],
        title_en=row["title_en"], subjects=evidence["subjects"], day=str(row["day"]), evidence=evidence["rows"],
        summary_zh=evidence["summary_zh"], summary_en=evidence["summary_en"], standard=row["standard"],
        data_status=row["data_status"], capture_pct=row["capture_pct"], where=where,
    )


def announce(
    con: duckdb.DuckDBPyConnection, rows: list[dict], contacts: list[Contact], where: list[str], now: dt.datetime
) -> int:
    """Queue one e-mail per row to its audience; returns the number of new deliveries (0 on an unchanged re-run)."""
    added = 0
    for row in rows:
        mail = render(notification_for(row, where))
        key = f"{row['event_id']}|{row['day']}|{row['status']}|{row['level']}|{row['revision']}"
        to = recipients_for(json.loads(row["recipients"]), contacts)
        added += enqueue_email(con, key=key, to=to, subject=mail.subject, text=mail.text, html=mail.html,
                               event_id=row["event_id"], now=now)
        set_message_id(con, row["event_id"], row["day"], message_id_for(key))
    return added

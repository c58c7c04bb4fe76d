"""The persisted delivery queue (alerts.messages, alerts.deliveries) and the public API to put mail on it.

A message is stored once under a deterministic id; each recipient gets one delivery row, created once: queuing the
same message again (a re-run) changes nothing, which is why a re-run never re-sends. Rows leave 'pending' only when
the server accepted them ('sent') or when the server refused them permanently too many times ('failed').
"""

from __future__ import annotations

import datetime as dt
import hashlib
import html as html_lib
import json
import mimetypes
from base64 import b64decode, b64encode
from dataclasses import dataclass
from pathlib import Path

import duckdb

from assets.alerts.contacts import Contact
from assets.clock import now_cst
from warehouse.connection import fetch_polars


@dataclass(frozen=True)
class Attachment:
    filename: str
    content_type: str
    data: bytes

    @classmethod
    def from_path(cls, path: Path | str) -> "Attachment":
        path = Path(path)
        content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        return cls(path.name, content_type, path.read_bytes())


def message_id_for(key: str) -> str:
    """A stable RFC 5322 Message-ID for a key (the same key always gives the same id)."""
    return f"<{hashlib.sha256(key.encode()).hexdigest()[:32]}@envmon.local>"


def enqueue_email(
    con: duckdb.DuckDBPyConnection,
    *,
    key: str,
    to: list[Contact],
    subject: str,
    text: str,
    html: str | None = None,
    attachments: list[Attachment | Path | str] = (),
    event_id: str | None = None,
    now: dt.datetime | None = None,
) -> int:
    """Queue one e-mail to ``to`` (public API, e.g. for the monthly report to the joint office).

    ``key`` identifies the e-mail (e.g. ``"report:2026-10"``): queuing the same key again is a no-op, so callers
    may re-run freely. Returns the number of new delivery rows.
    """
    now = now or now_cst()
    files = [a if isinstance(a, Attachment) else Attachment.from_path(a) for a in attachments]
    stored = [{"filename": a.filename, "content_type": a.content_type, "data": b64encode(a.data).decode()} for a in files]
    page = html if html is not None else f"<html><body><pre>{html_lib.escape(text)}</pre></body></html>"
    message_id = message_id_for(key)
    con.execute("BEGIN TRANSACTION")
    try:
        con.execute(
            "INSERT INTO alerts.messages VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
            [message_id, event_id, subject, text, page, json.dumps(stored), now],
        )
        before = _count(con, message_id)
        for c in to:
            con.execute(
                "INSERT INTO alerts.deliveries VALUES (?, ?, ?, 'pending', 0, NULL, ?, ?, NULL, NULL) ON CONFLICT DO NOTHING",
                [message_id, c.email, c.name, now, now],
            )
        added = _count(con, message_id) - before
        con.execute("COMMIT")
    except Exception:
        con.execute("ROLLBACK")
        raise
    return added


def due_deliveries(con: duckdb.DuckDBPyConnection, now: dt.datetime, limit: int = 200):
    """Pending rows whose next attempt is due, oldest first, with their message (a Polars frame)."""
    return fetch_polars(
        con,
        "SELECT d.message_id, d.recipient, d.name, d.attempts, m.subject, m.body_text, m.body_html, m.attachments "
        "FROM alerts.deliveries d JOIN alerts.messages m USING (message_id) "
        "WHERE d.status = 'pending' AND d.next_attempt <= ? ORDER BY d.queued_at, d.message_id, d.recipient LIMIT ?",
        [now, limit],
    )


def mark_sent(con, message_id: str, recipient: str, now: dt.datetime, transport: str) -> None:
    con.execute(
        "UPDATE alerts.deliveries SET status = 'sent', attempts = attempts + 1, last_error = NULL, sent_at = ?, "
        "transport = ? WHERE message_id = ? AND recipient = ? AND status = 'pending'",
        [now, transport, message_id, recipient],
    )


def mark_retry(con, message_id: str, recipient: str, error: str, next_attempt: dt.datetime, give_up: bool) -> None:
    con.execute(
        "UPDATE alerts.deliveries SET status = ?, attempts = attempts + 1, last_error = ?, next_attempt = ? "
        "WHERE message_id = ? AND recipient = ? AND status = 'pending'",
        ["failed" if give_up else "pending", error, next_attempt, message_id, recipient],
    )


def stored_attachments(raw: str) -> list[tuple[str, str, bytes]]:
    return [(a["filename"], a["content_type"], b64decode(a["data"])) for a in json.loads(raw or "[]")]


def queue_counts(con: duckdb.DuckDBPyConnection) -> dict[str, int]:
    return dict(fetch_polars(con, "SELECT status, count(*) AS n FROM alerts.deliveries GROUP BY status").iter_rows())


def _count(con, message_id: str) -> int:
    return fetch_polars(con, "SELECT count(*) AS n FROM alerts.deliveries WHERE message_id = ?", [message_id])["n"][0]

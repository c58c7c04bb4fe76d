"""The persisted delivery queue (alerts.messages, alerts.deliveries) and the public API to put mail on it.

A message is stored once under a deterministic id; each recipient gets one delivery row, created once: queuing the
same message again (a re-run) changes nothing, which is why a re-run never re-sends. Rows leave 'pending' only when
the server accepted them ('sent') or when the server refused them permanently too many times ('failed').

Delivery passes may run at the same time (the sensor, the daily run's last step, `envmon deliver`, in several
processes), so a pass sends only rows it has *claimed*: a short write transaction sets ``claimed_by`` (the pass) and
``claimed_until`` (the lease) on due rows that nobody holds; the pass sends outside any transaction and marks each
row sent (or to retry) only where it still holds the claim, renewing the lease of its other rows. A claim ends with
that mark, when the pass ends, or when its lease runs out (a pass that died): then another pass may take the row.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import html as html_lib
import json
import mimetypes
import time
from base64 import b64decode, b64encode
from dataclasses import dataclass
from pathlib import Path

import duckdb
import polars as pl

from assets.alerts.notify.contacts import Contact
from assets.clock import now_cst
from warehouse.connection import fetch_one, fetch_polars
from warehouse.partitions import registered, transaction

LEASE = dt.timedelta(minutes=10)  # renewed after every send: runs out only when the pass died or hangs
CONFLICT_RETRIES = 5


@dataclass(frozen=True)
class Attachment:
    filename: str
    content_type: str
    data: bytes

    @classmethod
    def from_path(cls, path: Path | str) -> Attachment:
        path = Path(path)
        content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        return cls(path.name, content_type, path.read_bytes())


def message_id_for(key: str) -> str:
    """A stable RFC 5322 Message-ID for a key (the same key always gives the same id)."""
    return f"<{hashlib.sha256(key.encode()).hexdigest()[:32]}@envmon.local>"


def enqueue_email(con: duckdb.DuckDBPyConnection, **message) -> int:
    """Queue one e-mail (public API, e.g. for the monthly report to the joint office); ``message``: key, to,
    subject, text, html, attachments, event_id, now, mail_kind, mail_day, headers (``_message_row``).

    ``key`` identifies the e-mail (e.g. ``"report:2026-10"``): queuing the same key again is a no-op, so callers
    may re-run freely. Returns the number of new delivery rows.
    """
    with transaction(con):
        return queue_messages(con, [message])


def queue_messages(con: duckdb.DuckDBPyConnection, messages: list[dict]) -> int:
    """Queue several messages in two statements, within the caller's transaction (the alert mails commit with the
    state changes they tell); each is a dict of the arguments of ``enqueue_email``. Returns the number of new
    delivery rows."""
    rows, deliveries = {}, {}
    for m in messages:
        row = _message_row(**m)
        rows.setdefault(row["message_id"], row)
        for c in m["to"]:
            deliveries.setdefault((row["message_id"], c.email), (c.name, row["created_at"]))
    if not rows:
        return 0
    with registered(con, "_messages", pl.DataFrame(list(rows.values()), schema=MESSAGE_COLUMNS)):
        con.execute(
            f"INSERT INTO alerts.messages ({', '.join(MESSAGE_COLUMNS)}) SELECT * FROM _messages ON CONFLICT DO NOTHING"
        )
    queued = pl.DataFrame(
        [(mid, email, name, at) for (mid, email), (name, at) in deliveries.items()],
        schema={"message_id": pl.String, "recipient": pl.String, "name": pl.String, "queued_at": pl.Datetime("us")},
        orient="row",
    )
    with registered(con, "_deliveries", queued):
        added = con.execute(
            "INSERT INTO alerts.deliveries (message_id, recipient, name, status, attempts, next_attempt, queued_at) "
            "SELECT message_id, recipient, name, 'pending', 0, queued_at, queued_at FROM _deliveries "
            "ON CONFLICT DO NOTHING RETURNING 1"
        ).fetchall()
    return len(added)


MESSAGE_COLUMNS = {
    "message_id": pl.String,
    "event_id": pl.String,
    "subject": pl.String,
    "body_text": pl.String,
    "body_html": pl.String,
    "attachments": pl.String,
    "created_at": pl.Datetime("us"),
    "mail_kind": pl.String,
    "mail_day": pl.Date,
    "headers": pl.String,
}


def _message_row(
    *,
    key: str,
    to: list[Contact],
    subject: str,
    text: str,
    html: str | None = None,
    attachments: list[Attachment | Path | str] = (),
    event_id: str | None = None,
    now: dt.datetime | None = None,
    mail_kind: str = "notice",
    mail_day: dt.date | None = None,
    headers: dict[str, str] | None = None,
) -> dict:
    """The alerts.messages row of a message; ``headers``: extra headers (ASCII values), e.g. X-Envmon-Changes."""
    files = [a if isinstance(a, Attachment) else Attachment.from_path(a) for a in attachments]
    stored = [
        {"filename": a.filename, "content_type": a.content_type, "data": b64encode(a.data).decode()} for a in files
    ]
    return {
        "message_id": message_id_for(key),
        "event_id": event_id,
        "subject": subject,
        "body_text": text,
        "body_html": html if html is not None else f"<html><body><pre>{html_lib.escape(text)}</pre></body></html>",
        "attachments": json.dumps(stored),
        "created_at": now or now_cst(),
        "mail_kind": mail_kind,
        "mail_day": mail_day,
        "headers": json.dumps(headers or {}),
    }


def claim_due(con: duckdb.DuckDBPyConnection, worker: str, now: dt.datetime, limit: int, lease: dt.timedelta = LEASE):
    """Claim up to ``limit`` pending rows that are due and held by nobody (or by a pass whose lease ran out), oldest
    first, for ``worker``; returns the rows it holds, with their message (a Polars frame)."""
    for attempt in range(CONFLICT_RETRIES):
        try:
            with transaction(con):
                con.execute(
                    "UPDATE alerts.deliveries SET claimed_by = ?, claimed_until = ? WHERE (message_id, recipient) IN ("
                    " SELECT message_id, recipient FROM alerts.deliveries WHERE status = 'pending'"
                    " AND next_attempt <= ?"
                    " AND (claimed_until IS NULL OR claimed_until <= ?)"
                    " ORDER BY queued_at, message_id, recipient LIMIT ?)",
                    [worker, now + lease, now, now, limit],
                )
            break
        except duckdb.TransactionException:  # another connection of this process claimed at the same moment
            if attempt == CONFLICT_RETRIES - 1:
                raise
            time.sleep(0.05 * (attempt + 1))
    return fetch_polars(
        con,
        "SELECT d.message_id, d.recipient, d.name, d.attempts, coalesce(d.refusals, 0) AS refusals, m.subject, "
        "m.body_text, m.body_html, m.attachments, coalesce(m.headers, '{}') AS headers "
        "FROM alerts.deliveries d JOIN alerts.messages m USING (message_id) "
        "WHERE d.status = 'pending' AND d.claimed_by = ? ORDER BY d.queued_at, d.message_id, d.recipient",
        [worker],
    )


def mark_sent(
    con, message_id: str, recipient: str, now: dt.datetime, transport: str, worker: str, lease: dt.timedelta = LEASE
) -> bool:
    """Record an accepted send (only while ``worker`` holds the row) and renew the lease of its other rows."""
    return _settle(
        con,
        worker,
        now,
        lease,
        "status = 'sent', attempts = attempts + 1, last_error = NULL, sent_at = ?, transport = ?",
        [now, transport],
        message_id,
        recipient,
    )


def mark_retry(
    con,
    message_id: str,
    recipient: str,
    error: str,
    next_attempt: dt.datetime,
    give_up: bool,
    worker: str,
    now: dt.datetime,
    lease: dt.timedelta = LEASE,
    *,
    refused: bool,
) -> bool:
    """Record a failed attempt (``refused``: a permanent 5xx refusal) and when to try again, or park the row
    ('failed') when ``give_up``."""
    return _settle(
        con,
        worker,
        now,
        lease,
        "status = ?, attempts = attempts + 1, refusals = coalesce(refusals, 0) + ?, last_error = ?, next_attempt = ?",
        ["failed" if give_up else "pending", int(refused), error, next_attempt],
        message_id,
        recipient,
    )


def release_claims(con: duckdb.DuckDBPyConnection, worker: str) -> None:
    """The rows ``worker`` still holds go back to the queue (the end of a pass)."""
    with transaction(con):
        con.execute(
            "UPDATE alerts.deliveries SET claimed_by = NULL, claimed_until = NULL WHERE claimed_by = ?", [worker]
        )


def _settle(con, worker, now, lease, assignments: str, values: list, message_id: str, recipient: str) -> bool:
    with transaction(con):
        updated = fetch_one(
            con,
            f"UPDATE alerts.deliveries SET {assignments}, claimed_by = NULL, claimed_until = NULL "
            "WHERE message_id = ? AND recipient = ? AND status = 'pending' AND claimed_by = ? RETURNING 1",
            [*values, message_id, recipient, worker],
        )
        con.execute(
            "UPDATE alerts.deliveries SET claimed_until = ? WHERE claimed_by = ? AND status = 'pending'",
            [now + lease, worker],
        )
    return updated is not None


def stored_attachments(raw: str) -> list[tuple[str, str, bytes]]:
    return [(a["filename"], a["content_type"], b64decode(a["data"])) for a in json.loads(raw or "[]")]


def queue_counts(con: duckdb.DuckDBPyConnection) -> dict[str, int]:
    return dict(fetch_polars(con, "SELECT status, count(*) AS n FROM alerts.deliveries GROUP BY status").iter_rows())

"""One delivery pass over the queue: send what is due, record each outcome at once, back off on failure.

The warehouse has one writer at a time, so the pass never holds a connection while talking to the mail server: it
reads the due rows, closes, and then opens a short connection to record each outcome right after that send.
A server that is down or refuses the login leaves every row pending (with the error and the next attempt time):
an outage delays mail, never loses it. Each row is marked 'sent' right after the server accepted it, and only
pending rows are ever sent, so a message is not sent twice.
"""

from __future__ import annotations

import datetime as dt
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass, field
from typing import Callable

from assets.alerts.email_render import build_message
from assets.alerts.queue import due_deliveries, mark_retry, mark_sent, stored_attachments
from assets.alerts.transport import DeliveryError
from assets.clock import now_cst

BACKOFF_BASE = dt.timedelta(minutes=1)
BACKOFF_CAP = dt.timedelta(hours=1)
MAX_PERMANENT_REFUSALS = 5  # a recipient the server refuses (5xx) this often is parked as 'failed' for operators


@dataclass
class PassResult:
    sent: int = 0
    retrying: int = 0
    failed: int = 0
    errors: list[str] = field(default_factory=list)


def backoff(attempts: int) -> dt.timedelta:
    """1, 2, 4, ... minutes after the n-th failed attempt, at most an hour."""
    return min(BACKOFF_BASE * 2 ** max(attempts - 1, 0), BACKOFF_CAP)


def deliver_pending(
    connect: Callable[[], AbstractContextManager],
    transport,
    mail_from: str,
    now: Callable[[], dt.datetime] = now_cst,
    limit: int = 200,
) -> PassResult:
    """Send every due pending delivery through ``transport`` (an SMTP or outbox transport)."""
    if getattr(transport, "local", False):  # writing files: no network wait, so one connection for the whole pass
        with connect() as con:
            return _deliver(lambda: nullcontext(con), transport, mail_from, now, limit)
    return _deliver(connect, transport, mail_from, now, limit)


def _deliver(connect, transport, mail_from: str, now, limit: int) -> PassResult:
    result = PassResult()
    with connect() as con:
        due = due_deliveries(con, now(), limit)
    if due.height == 0:
        return result
    try:
        session = transport.__enter__()
    except DeliveryError as exc:  # server down, or login refused: nothing was sent, everything stays pending
        with connect() as con:
            for row in due.iter_rows(named=True):
                mark_retry(con, row["message_id"], row["recipient"], str(exc), now() + backoff(row["attempts"] + 1), False)
        result.retrying = due.height
        result.errors.append(str(exc))
        return result
    try:
        for row in due.iter_rows(named=True):
            msg = build_message(
                row["subject"], row["body_text"], row["body_html"], mail_from, row["name"], row["recipient"],
                row["message_id"], stored_attachments(row["attachments"]),
            )
            try:
                session.send(msg, row["recipient"])
            except DeliveryError as exc:
                attempts = row["attempts"] + 1
                give_up = exc.permanent and attempts >= MAX_PERMANENT_REFUSALS
                with connect() as con:
                    mark_retry(con, row["message_id"], row["recipient"], str(exc), now() + backoff(attempts), give_up)
                result.failed += give_up
                result.retrying += not give_up
                result.errors.append(str(exc))
                continue
            with connect() as con:
                mark_sent(con, row["message_id"], row["recipient"], now(), transport.name)
            result.sent += 1
    finally:
        transport.__exit__(None, None, None)
    return result

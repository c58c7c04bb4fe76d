"""One delivery pass over the queue: send what is due, record each outcome at once, back off on failure.

The warehouse has one writer at a time, so the pass never holds a connection while talking to the mail server. It
works in small batches: claim up to ``CLAIM_BATCH`` due rows in a short write transaction (``queue.claim_due``),
close, send them, and open a short connection to record each outcome right after that send. Other passes running
at the same time (the sensor, the daily run, `envmon deliver`, in other processes or threads) claim other rows, so
no message is sent twice; the claims a pass still holds at its end are released.

A server that is down or refuses the login leaves every row pending (with the error and the next attempt time): an
outage delays mail, never loses it. Each row is marked 'sent' right after the server accepted it. Only if the pass
dies between the server's acceptance and that mark is the message sent again, once its lease has run out, with the
same Message-ID (which mail systems use to drop duplicates).
"""

from __future__ import annotations

import datetime as dt
import json
import os
import socket
import uuid
from collections.abc import Callable
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass, field

from assets.alerts.mail.mime import build_message
from assets.alerts.mail.queue import claim_due, mark_retry, mark_sent, release_claims, stored_attachments
from assets.alerts.mail.transport import DeliveryError
from assets.clock import now_cst

BACKOFF_BASE = dt.timedelta(minutes=1)
BACKOFF_CAP = dt.timedelta(hours=1)
MAX_PERMANENT_REFUSALS = 5  # a recipient the server refuses (5xx) this often is parked as 'failed' for operators
CLAIM_BATCH = 10  # rows claimed at a time: a parallel pass finds the rest of the queue free to take


@dataclass
class PassResult:
    sent: int = 0
    retrying: int = 0
    failed: int = 0
    errors: list[str] = field(default_factory=list)
    settled: set[str] = field(default_factory=set)  # message ids with a row sent or parked in this pass (the ledger)

    @property
    def changed(self) -> int:
        return self.sent + self.retrying + self.failed


def backoff(attempts: int) -> dt.timedelta:
    """1, 2, 4, ... minutes after the n-th failed attempt, at most an hour."""
    return min(BACKOFF_BASE * 2 ** max(attempts - 1, 0), BACKOFF_CAP)


def new_worker_id() -> str:
    """Who holds a claim: this machine, this process, this pass."""
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


def deliver_pending(
    connect: Callable[[], AbstractContextManager],
    transport,
    mail_from: str,
    now: Callable[[], dt.datetime] = now_cst,
    limit: int = 200,
) -> PassResult:
    """Send every due pending delivery (at most ``limit``) through ``transport`` (an SMTP or outbox transport)."""
    if getattr(transport, "local", False):  # writing files: no network wait, so one connection for the whole pass
        with connect() as con:
            return _deliver(lambda: nullcontext(con), transport, mail_from, now, limit)
    return _deliver(connect, transport, mail_from, now, limit)


def _deliver(connect, transport, mail_from: str, now, limit: int) -> PassResult:
    result, worker, session, down = PassResult(), new_worker_id(), None, None
    try:
        while result.changed < limit:
            with connect() as con:
                batch = claim_due(con, worker, now(), min(CLAIM_BATCH, limit - result.changed))
            if batch.height == 0:
                break
            if session is None and down is None:
                try:
                    session = transport.__enter__()
                except DeliveryError as exc:  # server down, or login refused: nothing is sent, everything waits
                    down = exc
                    result.errors.append(str(exc))
            for row in batch.iter_rows(named=True):
                if down is not None:
                    with connect() as con:
                        mark_retry(
                            con,
                            row["message_id"],
                            row["recipient"],
                            str(down),
                            now() + backoff(row["attempts"] + 1),
                            False,
                            worker,
                            now(),
                            refused=False,
                        )
                    result.retrying += 1
                    continue
                _send_one(connect, session, transport.name, row, mail_from, worker, now, result)
    finally:
        if session is not None:
            transport.__exit__(None, None, None)
        with connect() as con:
            release_claims(con, worker)
    return result


def _send_one(connect, session, transport_name: str, row: dict, mail_from: str, worker: str, now, result: PassResult):
    msg = build_message(
        row["subject"],
        row["body_text"],
        row["body_html"],
        mail_from,
        row["name"],
        row["recipient"],
        row["message_id"],
        stored_attachments(row["attachments"]),
        json.loads(row["headers"] or "{}"),
        now(),
    )
    try:
        used = session.send(msg, row["recipient"]) or transport_name  # the demo guard may divert to the outbox
    except DeliveryError as exc:
        attempts, refusals = row["attempts"] + 1, row["refusals"] + exc.permanent
        give_up = exc.permanent and refusals >= MAX_PERMANENT_REFUSALS
        with connect() as con:
            mark_retry(
                con,
                row["message_id"],
                row["recipient"],
                str(exc),
                now() + backoff(attempts),
                give_up,
                worker,
                now(),
                refused=exc.permanent,
            )
        result.failed += give_up
        result.retrying += not give_up
        if give_up:
            result.settled.add(row["message_id"])
        result.errors.append(str(exc))
        return
    with connect() as con:
        mark_sent(con, row["message_id"], row["recipient"], now(), used, worker)
    result.sent += 1
    result.settled.add(row["message_id"])

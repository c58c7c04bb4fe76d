"""One delivery pass as every caller runs it: compose the digests that are due, send what the queue holds, and
bring the ledger rows of the mails it composed or settled up to date.

Callers: the alerts/deliveries asset (end of the daily job), the alert-delivery sensor (every minute),
`envmon deliver`, `envmon run` and the report assets (``delivery_pass``). Digests are composed in short write
transactions before the send (which holds no connection, ``delivery.deliver_pending``); exactly-once and retries
are the queue's.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass
from pathlib import Path

from assets.alerts.ledger.ledger import events_of_messages, refresh_ledger
from assets.alerts.mail.delivery import PassResult, deliver_pending
from assets.alerts.mail.transport import SmtpSettings, transport_for
from assets.alerts.notify.contacts import Contact, load_contacts
from assets.alerts.notify.digest import compose_due_digests
from assets.alerts.notify.notify_rules import NotifyRules
from assets.alerts.rules.rules_config import load_rules
from assets.clock import now_cst
from assets.settings import AlertSettings


@dataclass
class DispatchResult:
    digests: int
    delivery: PassResult

    @property
    def changed(self) -> bool:
        return bool(self.digests or self.delivery.changed)


def dispatch(
    connect: Callable[[], AbstractContextManager],
    contacts: list[Contact],
    notify: NotifyRules,
    transport,
    mail_from: str,
    now: Callable[[], dt.datetime] = now_cst,
    public_url: str = "",  # ENVMON_PUBLIC_URL: the digests link to the status page
) -> DispatchResult:
    with connect() as con:
        composed = compose_due_digests(con, contacts, notify, now(), public_url)
    result = deliver_pending(connect, transport, mail_from, now)
    touched = set(composed) | result.settled
    if touched:
        with connect() as con:
            refresh_ledger(con, events_of_messages(con, sorted(touched)))
    return DispatchResult(len(composed), result)


def delivery_pass(
    connect: Callable[[], AbstractContextManager], alerting: AlertSettings, smtp: SmtpSettings, outbox: Path
) -> DispatchResult:
    """``dispatch`` with the deployment's contacts, notify rules and transport (SMTP, or .eml files in ``outbox``)."""
    notify = NotifyRules.from_rules(load_rules(alerting.rules))
    transport = transport_for(smtp, outbox)
    return dispatch(
        connect, load_contacts(alerting.contacts), notify, transport, smtp.mail_from, public_url=alerting.public_url
    )

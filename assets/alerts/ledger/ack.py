"""Receipt confirmation of an alert by one of its recipients (`envmon ack ALERT_ID --by NAME [--note ...]`), the
Danube AEWS's receipt confirmation across the provincial border.

``--by`` names the recipient: the e-mail address the mail went to (the mail prints the exact command) or the
office's name. One acknowledgement per alert and recipient: it is written with the alert's ledger rows in one
transaction, and acknowledging again records nothing and says when it was done.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import duckdb

from assets.alerts.ledger.ledger import refresh_ledger
from warehouse.connection import fetch_one, fetch_polars
from warehouse.partitions import transaction


class AckError(ValueError):
    """An acknowledgement that cannot be recorded: the message says why and what to do."""


@dataclass(frozen=True)
class Acknowledgement:
    event_id: str
    recipient: str
    name: str
    acknowledged_at: dt.datetime
    acknowledged_by: str
    note: str | None
    recorded: bool  # False: it had been acknowledged before (nothing changed)


def acknowledge(
    con: duckdb.DuckDBPyConnection, event_id: str, by: str, note: str | None, now: dt.datetime
) -> Acknowledgement:
    told = fetch_polars(
        con,
        "SELECT DISTINCT recipient, name FROM alerts.notifications WHERE event_id = ? ORDER BY recipient",
        [event_id],
    )
    if told.height == 0:
        known = fetch_one(con, "SELECT count(*) FROM alerts.event_log WHERE event_id = ?", [event_id])[0]
        if not known:
            raise AckError(
                f"no alert {event_id!r}: list them with "
                'envmon query "SELECT event_id, status FROM alerts.events ORDER BY last_evaluated DESC"'
            )
        raise AckError(f"alert {event_id!r} was not sent to anyone: nothing to acknowledge")
    wanted = by.strip()
    match = told.filter((told["recipient"].str.to_lowercase() == wanted.lower()) | (told["name"] == wanted))
    if match.height == 0:
        listed = "; ".join(f"{r} ({n})" for r, n in told.iter_rows())
        raise AckError(
            f"--by {by!r} is not a recipient of {event_id}: use the e-mail address or the name of one of {listed}"
        )
    recipient, name = match.row(0)
    with transaction(con):
        added = fetch_one(
            con,
            "INSERT INTO alerts.acknowledgements VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING RETURNING 1",
            [event_id, recipient, wanted, now, note],
        )
        refresh_ledger(con, [event_id], within_transaction=True)
    at, who, said = fetch_one(
        con,
        "SELECT acknowledged_at, acknowledged_by, note FROM alerts.acknowledgements "
        "WHERE event_id = ? AND recipient = ?",
        [event_id, recipient],
    )
    return Acknowledgement(event_id, recipient, name, at, who, said, added is not None)

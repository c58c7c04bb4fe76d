"""The accountability ledger (alerts.ledger, feature 24): for each alert and recipient, when the triggering data
arrived, the rule evaluated it, the mail was queued and delivered, and the recipient acknowledged it.

Its SQL (``ledger.sql``) reads alerts.*; a dbt_like_sql model may not (the alert assets read the models: that would
be a cycle between the two steps), so the ledger is refreshed after what changes it: the alerts/ledger asset after
alerts/deliveries in every run (the alerts of the run's days), every delivery pass (the alerts of the mails it
sent or composed) and `envmon ack` (that alert). A refresh replaces the rows of the given alerts in one
transaction; its cost is that of those alerts, not of the history.
"""

from __future__ import annotations

from pathlib import Path

import duckdb

from warehouse.connection import fetch_polars
from warehouse.partitions import transaction

SQL = Path(__file__).with_name("ledger.sql")


def refresh_ledger(con: duckdb.DuckDBPyConnection, event_ids: list[str], within_transaction: bool = False) -> int:
    """Replace the ledger rows of ``event_ids``; returns the rows written."""
    event_ids = sorted(set(event_ids))
    if not event_ids:
        return 0
    if not within_transaction:
        with transaction(con):
            return refresh_ledger(con, event_ids, within_transaction=True)
    con.execute("DELETE FROM alerts.ledger WHERE list_contains(?, event_id)", [event_ids])
    rows = con.execute(
        f"INSERT INTO alerts.ledger BY NAME\n{SQL.read_text(encoding='utf-8')}", {"events": event_ids}
    ).fetchall()
    return rows[0][0] if rows else 0


def events_of_messages(con: duckdb.DuckDBPyConnection, message_ids: list[str]) -> list[str]:
    """The alerts whose state changes these mails hold."""
    if not message_ids:
        return []
    return fetch_polars(
        con,
        "SELECT DISTINCT event_id FROM alerts.notifications WHERE list_contains(?, message_id)",
        [sorted(message_ids)],
    )["event_id"].to_list()


def events_of_days(con: duckdb.DuckDBPyConnection, days: list) -> list[str]:
    return fetch_polars(con, "SELECT DISTINCT event_id FROM alerts.notifications WHERE list_contains(?, day)", [days])[
        "event_id"
    ].to_list()

"""The daily digest: at most one mail per recipient and day, holding every state change of the day that was not
mailed at once (and any that a re-run added after the day's digest went out: they go into the next one).

The digest of day D is composed at the notify rules' digest hour on D+1 (China Standard Time), once D has been
evaluated (or a day later whatever happened), by whichever delivery pass comes first: the alert-delivery sensor
(every minute), the daily job's alerts/deliveries step, `envmon deliver`, `envmon run`. A digest is queued, its
changes marked as in it and its alerts.digests row written in one transaction, so a change is in exactly one mail
for each recipient, and a digest is never composed twice.

Data operations also get, in each day's digest, the areas that no forecast covered (``forecast_coverage``);
everyone gets, in the latest digest, the immediate alerts they have not acknowledged.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass

import duckdb
import polars as pl

from assets.alerts.evaluate import LOOKBACK_DAYS
from assets.alerts.mail.digest_render import Reminder, render_digest
from assets.alerts.mail.email_render import headline
from assets.alerts.mail.queue import message_id_for, queue_messages
from assets.alerts.notify.announce import ack_command, mail_headers, notification_for, offices
from assets.alerts.notify.contacts import Contact, recipients_for
from assets.alerts.notify.notifications import attach, change_id, supersede_stale
from assets.alerts.notify.notify_rules import NotifyRules
from assets.alerts.rules.forecast_coverage import unreported_gaps
from assets.demo import mark_alerts
from warehouse.connection import fetch_polars
from warehouse.partitions import registered, transaction


def compose_due_digests(
    con: duckdb.DuckDBPyConnection,
    contacts: list[Contact],
    notify: NotifyRules,
    now: dt.datetime,
    public_url: str = "",
) -> list[str]:
    """Compose every digest whose time has come; returns the message ids queued. ``public_url``: the status page
    (ENVMON_PUBLIC_URL) the digests link to."""
    with transaction(con):
        supersede_stale(con)
    latest = notify.latest_due_day(now)
    pending = fetch_polars(
        con,
        "SELECT n.recipient, n.name, n.role, l.* FROM alerts.notifications n "
        "JOIN alerts.event_log l USING (event_id, day, status, level, revision) "
        "WHERE n.channel = 'digest' AND n.message_id IS NULL AND NOT n.superseded AND n.day <= ? "
        "ORDER BY n.recipient, l.day, l.kind, l.subject",
        [latest],
    )
    ops = [c.email for c in contacts if c.role == "data_operations"]
    gaps = unreported_gaps(con, latest, ops)
    since = min([latest - notify.remind_for, *pending["day"].to_list(), *(d for _, d in gaps)])
    composed = set(fetch_polars(con, "SELECT recipient, day FROM alerts.digests WHERE day >= ?", [since]).rows())
    evaluated = set(fetch_polars(con, "SELECT day FROM alerts.evaluations WHERE day >= ?", [since])["day"])
    people = {c.email: c for c in contacts}
    targets: dict[tuple[str, dt.date], list[dict]] = {}
    for row in mark_alerts(con, pending.iter_rows(named=True), LOOKBACK_DAYS):  # demo: made from generated data
        people.setdefault(row["recipient"], Contact(row["role"], row["name"], row["recipient"]))
        t = row["day"]
        while (row["recipient"], t) in composed:  # that day's digest went out already: the next one
            t += dt.timedelta(days=1)
        targets.setdefault((row["recipient"], t), []).append(row)
    for key in gaps:
        targets.setdefault(key, [])
    reminders = _reminders(con, notify, now)
    for email in reminders:
        targets.setdefault((email, latest), [])
    made = []
    for (email, t), rows in sorted(targets.items(), key=lambda kv: (kv[0][1], kv[0][0])):
        due = reminders.get(email, []) if t == latest else []
        # wait for the day's own evaluation (a late daily run) for up to a day; reminders do not wait
        waiting = t not in evaluated and now < notify.due(t) + dt.timedelta(days=1) and not due
        if (email, t) in composed or t > latest or waiting:
            continue
        contact = people[email]
        if not rows and not gaps.get((email, t)) and not due:
            continue
        made.append(_compose(contact, t, rows, gaps.get((email, t), {}), due, contacts, now, public_url))
        composed.add((email, t))
    with transaction(con):  # the digests, the changes they hold, and their record: all or none
        queue_messages(con, [d.message for d in made])
        attach(con, [held for d in made for held in d.holds])
        if made:
            with registered(con, "_digests", pl.DataFrame([d.record for d in made], DIGEST_COLUMNS, orient="row")):
                con.execute("INSERT INTO alerts.digests SELECT * FROM _digests ON CONFLICT DO NOTHING")
    return [d.record[2] for d in made]


@dataclass(frozen=True)
class Digest:
    message: dict  # the arguments of enqueue_email
    holds: list[tuple[str, str, str]]  # (change id, recipient, message id) of the changes it tells
    record: tuple  # its alerts.digests row


DIGEST_COLUMNS = ["recipient", "day", "message_id", "composed_at", "changes", "reminders"]


def _compose(
    contact: Contact,
    day: dt.date,
    rows: list[dict],
    gaps: dict,
    reminders: list[Reminder],
    contacts: list[Contact],
    now: dt.datetime,
    public_url: str = "",
) -> Digest:
    changes = [notification_for(r, []) for r in rows]  # rows marked by mark_alerts (compose_due_digests)
    sent_to = {r["event_id"]: "；".join(offices(recipients_for(json.loads(r["recipients"]), contacts))) for r in rows}
    mail = render_digest(day, contact.email, changes, gaps, reminders, sent_to, public_url)
    ids = [change_id(r) for r in rows]
    key = f"digest|{contact.email}|{day}"
    message = dict(
        key=key,
        to=[contact],
        subject=mail.subject,
        text=mail.text,
        html=mail.html,
        now=now,
        mail_kind="digest",
        mail_day=day,
        headers=mail_headers("digest", day, ids),
    )
    mid = message_id_for(key)
    return Digest(
        message, [(cid, contact.email, mid) for cid in ids], (contact.email, day, mid, now, len(ids), len(reminders))
    )


def _reminders(con: duckdb.DuckDBPyConnection, notify: NotifyRules, now: dt.datetime) -> dict[str, list[Reminder]]:
    """Recipient -> immediate alerts mailed to them at least ``remind_after`` ago (within ``remind_for``) that they
    have not acknowledged, unless a correction retracted the alert since (nobody acknowledges a withdrawn warning)."""
    frame = fetch_polars(
        con,
        """
        SELECT n.recipient, n.name, n.role, n.event_id, min(d.queued_at) AS queued_at,
               arg_min(l.title_zh, n.day) AS title_zh, arg_min(l.level, n.day) AS level,
               arg_min(l.status, n.day) AS status, arg_min(l.evidence, n.day) AS evidence
        FROM alerts.notifications n
        JOIN alerts.deliveries d ON d.message_id = n.message_id AND d.recipient = n.recipient
        JOIN alerts.event_log l USING (event_id, day, revision)
        LEFT JOIN alerts.acknowledgements a ON a.event_id = n.event_id AND a.recipient = n.recipient
        WHERE n.channel = 'immediate' AND a.event_id IS NULL AND n.status IN ('issued', 'upgraded')
          AND n.event_id NOT IN (SELECT event_id FROM alerts.events WHERE status = 'retracted')
          AND n.evaluated_at >= ?  -- told within the reminder period (a mail is queued when it is evaluated)
        GROUP BY n.recipient, n.name, n.role, n.event_id
        HAVING min(d.queued_at) <= ? AND min(d.queued_at) >= ?
        ORDER BY queued_at
        """,
        [now - notify.remind_for, now - notify.remind_after, now - notify.remind_for],
    )
    out: dict[str, list[Reminder]] = {}
    for r in frame.iter_rows(named=True):
        note = notification_for(
            {
                **r,
                "title_en": "",
                "day": "",
                "standard": "",
                "data_status": "",
                "capture_pct": None,
                "kind": "",
                "status": "issued",
            },
            [],
        )
        contact = Contact(r["role"], r["name"], r["recipient"])
        out.setdefault(r["recipient"], []).append(
            Reminder(r["event_id"], headline(note), r["queued_at"], ack_command(r["event_id"], contact))
        )
    return out


def pending_digest_changes(con: duckdb.DuckDBPyConnection) -> pl.DataFrame:
    """Per day, the state changes x recipients still waiting for their digest (for summaries)."""
    return fetch_polars(
        con,
        "SELECT day, count(*) AS n FROM alerts.notifications WHERE channel = 'digest' "
        "AND message_id IS NULL AND NOT superseded GROUP BY day ORDER BY day",
    )

"""Turns a day's state changes into notifications: each change is recorded once per recipient, on the channel the
notify rules choose; the immediate ones of one group go out as one mail per recipient at once, the others wait for
the recipient's daily digest (``assets.alerts.notify.digest``). Within the caller's transaction (the evaluation of the
day commits its states and their notifications together)."""

from __future__ import annotations

import datetime as dt
import json
import shlex

import duckdb

from assets.alerts.mail.email_render import Notification, render_alert_mail, status_url
from assets.alerts.mail.queue import message_id_for, queue_messages
from assets.alerts.notify.contacts import Contact, recipients_for
from assets.alerts.notify.notifications import attach, change_id, immediate_recipients, record
from assets.alerts.notify.notify_rules import NotifyRules
from assets.alerts.rules.lifecycle import set_message_ids

ROLE_LABELS = {"joint_office": "联合办公室 joint office", "data_operations": "数据运维 data operations"}


def ack_command(event_id: str, contact: Contact) -> str:
    """The exact command that records ``contact``'s receipt of the alert."""
    return f"envmon ack {shlex.quote(event_id)} --by {contact.email}"


def offices(audience: list[Contact]) -> list[str]:
    """Every office an alert goes to, by province (四川, 重庆) and then the joint roles: '四川：A、B'."""
    groups: dict[str, list[str]] = {}
    for c in audience:
        label = (
            c.province
            if c.role in ("area_air_office", "river_chief") and c.province
            else ROLE_LABELS.get(c.role, c.role)
        )
        groups.setdefault(label, []).append(c.name)
    order = sorted(groups, key=lambda g: (g not in ("四川", "重庆"), g))
    return [f"{g}：{'、'.join(groups[g])}" for g in order]


def mail_headers(kind: str, day, change_ids: list[str]) -> dict[str, str]:
    """Headers that let mail rules (and the tests) sort alert mail: the kind (alert | digest), the day it is about,
    and the state changes it holds (alerts.notifications.change_id)."""
    return {"X-Envmon-Kind": kind, "X-Envmon-Day": str(day), "X-Envmon-Changes": " ".join(change_ids)}


def notification_for(
    row: dict, where: list[str], sent_to: list[str] = (), ack: str = "", public_url: str = ""
) -> Notification:
    evidence = json.loads(row["evidence"])
    return Notification(
        event_id=row["event_id"],
        status=row["status"],
        level=row["level"],
        title_zh=row["title_zh"],
        title_en=row["title_en"],
        subjects=evidence["subjects"],
        day=str(row["day"]),
        evidence=evidence["rows"],
        summary_zh=evidence["summary_zh"],
        summary_en=evidence["summary_en"],
        standard=row["standard"],
        data_status=row["data_status"],
        capture_pct=row["capture_pct"],
        where=where,
        sent_to=list(sent_to),
        ack_command=ack,
        kind=row["kind"],
        standard_zh=evidence.get("standard_zh") or "",
        retraction=evidence.get("retraction") or {},
        demo=bool(row.get("demo")),
        page_url=status_url(public_url, row["event_id"]),
    )


def announce(
    con: duckdb.DuckDBPyConnection,
    rows: list[dict],
    contacts: list[Contact],
    where: list[str],
    now: dt.datetime,
    notify: NotifyRules,
    public_url: str = "",
) -> int:
    """Record each state change of ``rows`` for each recipient and queue the immediate mails; returns the number of
    new notifications (state change x recipient; 0 on an unchanged re-run). A handful of statements for the day,
    whatever the number of changes."""
    set_message_ids(con, [(row["event_id"], row["day"], row["revision"], change_id(row)) for row in rows])
    told_at_once = immediate_recipients(con, [row["event_id"] for row in rows])
    wanted, routes = [], {}
    for row in rows:
        audience = recipients_for(json.loads(row["recipients"]), contacts)
        sent_to, routed = offices(audience), notify.is_immediate(row)
        for contact in audience:
            follow_up = row["status"] in notify.follow_up and (row["event_id"], contact.email) in told_at_once
            channel = "immediate" if routed or follow_up else "digest"
            if channel == "immediate":
                told_at_once.add((row["event_id"], contact.email))
            wanted.append((row, contact, channel))
            routes[(change_id(row), contact.email)] = (row, contact, sent_to)
    added = record(con, wanted, now)  # those already told (an interrupted evaluation re-run) are never told twice
    mails = {}
    for cid, email, channel in added:
        if channel == "immediate":
            row, contact, sent_to = routes[(cid, email)]
            mails.setdefault((email, notify.group_of(row)), []).append((row, contact, sent_to))
    queued, held = [], []
    for (email, group), items in mails.items():
        contact = items[0][1]
        notes = [
            notification_for(r, where, sent, ack_command(r["event_id"], contact), public_url) for r, _, sent in items
        ]
        ids = [change_id(r) for r, _, _ in items]
        key = f"alert|{email}|{items[0][0]['day']}|{group}|{','.join(sorted(ids))}"
        mail = render_alert_mail(notes)
        queued.append(
            dict(
                key=key,
                to=[contact],
                subject=mail.subject,
                text=mail.text,
                html=mail.html,
                event_id=items[0][0]["event_id"] if len(items) == 1 else None,
                now=now,
                mail_kind="alert",
                mail_day=items[0][0]["day"],
                headers=mail_headers("alert", items[0][0]["day"], ids),
            )
        )
        held += [(cid, email, message_id_for(key)) for cid in ids]
    queue_messages(con, queued)
    attach(con, held)
    return len(added)

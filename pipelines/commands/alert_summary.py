"""After `envmon run`: e-mail failed runs to data operations, one delivery pass (the digests that are due, then the
queue), and the alert lines of the summary: the state changes and the e-mails that this command recorded and queued
(since it started; an earlier run's mail of the same days is not counted again), per recipient role."""

import datetime as dt

from assets.alerts.dispatch import dispatch
from assets.alerts.mail.run_failures import queue_run_failure, send_run_failure_now
from assets.alerts.mail.transport import SmtpSettings, transport_for
from assets.alerts.notify.contacts import load_contacts
from assets.alerts.notify.notify_rules import NotifyRules
from assets.alerts.rules.rules_config import load_rules
from assets.settings import AlertSettings
from warehouse.connection import fetch_polars, write_connection
from warehouse.integrity import CorruptWarehouseError
from warehouse.paths import DataPaths


def after_run(days: list[dt.date], failed: list, started: dt.datetime) -> list[str]:
    paths = DataPaths.from_env()
    if not paths.warehouse.exists():
        return []
    settings, smtp = AlertSettings.from_env(), SmtpSettings.from_env()
    contacts, notify = load_contacts(settings.contacts), NotifyRules.from_rules(load_rules(settings.rules))
    connect = lambda: write_connection(paths.warehouse)  # noqa: E731
    if failed:  # in-process runs have no daemon, hence no run-failure sensor: notify from here
        try:
            with connect() as con:
                for label, run_id, error in failed:
                    queue_run_failure(con, contacts, run_id, "daily_job", label, error)
        except CorruptWarehouseError:  # the queue lives in the damaged file: tell data operations directly
            transport = transport_for(smtp, paths.outbox)
            sent = sum(
                send_run_failure_now(contacts, transport, smtp.mail_from, run_id, "daily_job", label, error)
                for label, run_id, error in failed
            )
            return [f"  run-failure e-mail sent directly to data operations ({sent}): the warehouse cannot queue it"]
    transport = transport_for(smtp, paths.outbox)
    dispatch(connect, contacts, notify, transport, smtp.mail_from, public_url=settings.public_url)
    with connect() as con:
        changes = fetch_polars(  # a state change gets its notification rows once, when it is first evaluated
            con, "SELECT count(DISTINCT change_id) AS n FROM alerts.notifications WHERE evaluated_at >= ?", [started]
        )["n"][0]
        mails = fetch_polars(
            con,
            "SELECT m.mail_kind, d.recipient, d.status FROM alerts.messages m "
            "JOIN alerts.deliveries d USING (message_id) "
            "WHERE m.mail_kind IN ('alert', 'digest') AND m.created_at >= ?",
            [started],
        )
        waiting = fetch_polars(
            con,
            "SELECT day, count(*) AS n FROM alerts.notifications WHERE channel = 'digest' AND message_id IS NULL "
            "AND NOT superseded AND day BETWEEN ? AND ? GROUP BY day ORDER BY day",
            [days[0], days[-1]],
        )
    where = f"via SMTP {smtp.host}" if smtp.host else f"as .eml files in {paths.outbox}"
    sent = mails.filter(mails["status"] == "sent").height
    lines = [
        f"  alerts: {changes} new state change(s); this run queued {mails.height} e-mail(s) (immediate "
        f"and daily digests), {sent} delivered {where}, {mails.height - sent} pending (a delivery pass sends 200: "
        "the alert_delivery_sensor sends the rest where the daemon runs, or envmon deliver)"
    ]
    lines += per_role(mails, contacts)
    if waiting.height:
        day_list = ", ".join(str(d) for d in waiting["day"])
        lines.append(
            f"  {waiting['n'].sum()} notification(s) of {day_list} wait for their digest at "
            f"{notify.digest_hour:02d}:00 CST (alert_delivery_sensor in `make ui`, or envmon deliver)"
        )
    lines.append('  alerts table: .venv/bin/envmon query "SELECT * FROM alerts.events ORDER BY last_evaluated DESC"')
    return lines


def per_role(mails, contacts) -> list[str]:
    """One line per recipient role: how many recipients, immediate mails and digests."""
    role_of = {c.email: c.role for c in contacts}
    counts: dict[str, dict] = {}
    for kind, recipient, _ in mails.iter_rows():
        role = counts.setdefault(role_of.get(recipient, "other"), {"people": set(), "alert": 0, "digest": 0})
        role["people"].add(recipient)
        role[kind] += 1
    out = ["  e-mails per recipient role:      recipients  immediate  digests"]
    for role in ("area_air_office", "river_chief", "joint_office", "data_operations", "other"):
        if role in counts:
            c = counts[role]
            out.append(f"    {role:<28} {len(c['people']):>10} {c['alert']:>10} {c['digest']:>8}")
    return out


VERBS = {"issued": "发布", "upgraded": "升级", "downgraded": "降级", "lifted": "解除", "retracted": "撤回"}


def alert_outcome(started: dt.datetime) -> list[str]:
    """After `envmon ingest`: the alerts its files raised, changed (upgraded, downgraded, lifted, or an issue whose
    level a correction changed) or retracted: the state changes first evaluated since the command started (a state
    change gets its notification rows once, when it is first evaluated, so an unchanged re-evaluation is not
    counted), with how its recipients are told."""
    paths = DataPaths.from_env()
    if not paths.warehouse.exists():
        return []
    with write_connection(paths.warehouse) as con:
        rows = fetch_polars(
            con,
            "SELECT l.event_id, l.day, l.revision, l.kind, l.subject, l.status, l.level, l.title_zh, l.title_en, "
            "count(*) FILTER (WHERE n.channel = 'immediate') AS immediate, "
            "count(*) FILTER (WHERE n.channel = 'digest') AS digest, "
            "EXISTS (SELECT 1 FROM alerts.notifications AS e WHERE e.event_id = l.event_id "
            "AND (e.evaluated_at < ? OR e.day < l.day OR e.revision < l.revision)) AS told_before "
            "FROM alerts.notifications AS n JOIN alerts.event_log AS l USING (event_id, day, revision) "
            "WHERE n.evaluated_at >= ? GROUP BY ALL ORDER BY l.day, l.kind, l.subject, l.revision",
            [started, started],
        )
    if not rows.height:
        return ["alerts: none raised, changed or retracted by these files"]
    raised = (rows["status"] == "issued") & ~rows["told_before"]
    retracted = rows["status"] == "retracted"
    count = {"raised": raised.sum(), "retracted": retracted.sum(), "changed": (~raised & ~retracted).sum()}
    lines = [f"alerts: {count['raised']} raised, {count['changed']} changed, {count['retracted']} retracted:"]
    for r in rows.iter_rows(named=True):
        lines.append(
            f"  {VERBS[r['status']]} {r['status']:<10} {r['day']} {r['level']:<6} {r['title_zh']} "
            f"({r['title_en']}) [{r['event_id']}]: {r['immediate']} immediate e-mail(s), {r['digest']} in digests"
        )
    lines.append('  alerts table: .venv/bin/envmon query "SELECT * FROM alerts.events ORDER BY last_evaluated DESC"')
    return lines

"""``envmon deliver``: the daily digests that are due, then one delivery pass over the alert mail queue (SMTP when
ENVMON_SMTP_HOST is set, else .eml files in <data>/outbox), then the queue's state. Safe to run at any time, also
while the sensor or another pass runs: a pass sends only the rows it claimed (a lease in the queue), and marks each
sent right after the server accepted it. When the pass changed the queue, the published snapshot is replaced so that
staff see it."""

import sys

from assets.alerts.dispatch import delivery_pass
from assets.alerts.mail.queue import queue_counts
from assets.alerts.mail.transport import SmtpSettings
from assets.settings import AlertSettings
from status_page.build import refresh_after_publish
from warehouse.connection import write_connection
from warehouse.paths import DataPaths
from warehouse.snapshot import ALERT_TABLES, publish_snapshot


def add_parser(sub) -> None:
    p = sub.add_parser("deliver", help="send the queued alert e-mails now (SMTP, or .eml files in the outbox)")
    p.add_argument("--now", action="store_true", help="ignore the back-off: retry every pending message now")
    p.add_argument("--debug", action="store_true", help="show tracebacks")


def main(args) -> int:
    paths = DataPaths.from_env()
    if not paths.warehouse.exists():
        print(f"envmon deliver: no warehouse at {paths.warehouse}: nothing queued yet", file=sys.stderr)
        return 0
    smtp, settings = SmtpSettings.from_env(), AlertSettings.from_env()
    connect = lambda: write_connection(paths.warehouse)  # noqa: E731
    if args.now:
        with connect() as con:
            con.execute("UPDATE alerts.deliveries SET next_attempt = queued_at WHERE status = 'pending'")
    out = delivery_pass(connect, settings, smtp, paths.outbox)
    result = out.delivery
    target = f"SMTP {smtp.host}:{smtp.port} ({smtp.security})" if smtp.host else f"outbox {paths.outbox}"
    print(f"envmon deliver: {result.sent} sent, {result.retrying} to retry, {result.failed} failed -> {target}")
    if out.digests:
        print(f"  daily digests composed: {out.digests}")
    for error in dict.fromkeys(result.errors):
        print(f"  error: {error}")
    with connect() as con:
        counts = queue_counts(con)
    print("  queue: " + (", ".join(f"{k} {v}" for k, v in sorted(counts.items())) or "empty"))
    if out.changed:
        publish_snapshot(paths.warehouse, paths.snapshot, verify=ALERT_TABLES)
        print(f"  snapshot republished: {paths.snapshot}")
        refresh_after_publish(
            paths.snapshot, paths.status_page, paths.reports, print
        )  # who was told, on the alert pages
    return 1 if result.errors and not result.sent else 0

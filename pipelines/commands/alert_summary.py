"""After `envmon run`: e-mail failed runs to data operations, one delivery pass, and the alert lines of the summary."""

import datetime as dt

from assets.alerts.contacts import load_contacts
from assets.alerts.delivery import deliver_pending
from assets.alerts.run_failures import queue_run_failure
from assets.alerts.transport import SmtpSettings, transport_for
from warehouse.connection import fetch_polars, write_connection
from warehouse.paths import DataPaths


def after_run(days: list[dt.date], failed: list) -> list[str]:
    paths = DataPaths.from_env()
    if not paths.warehouse.exists():
        return []
    smtp = SmtpSettings.from_env()
    connect = lambda: write_connection(paths.warehouse)  # noqa: E731
    if failed:  # in-process runs have no daemon, hence no run-failure sensor: notify from here
        contacts = load_contacts()
        with connect() as con:
            for label, run_id, error in failed:
                queue_run_failure(con, contacts, run_id, "daily_job", label, error)
    deliver_pending(connect, transport_for(smtp, paths.outbox), smtp.mail_from)
    with connect() as con:
        mail = fetch_polars(
            con,
            "SELECT count(DISTINCT l.event_id || l.status || l.day) AS changes, count(d.recipient) AS emails, "
            "count(d.recipient) FILTER (WHERE d.status = 'sent') AS sent, "
            "count(d.recipient) FILTER (WHERE d.status = 'pending') AS pending "
            "FROM alerts.event_log l LEFT JOIN alerts.deliveries d USING (message_id) "
            "WHERE l.day BETWEEN ? AND ? AND l.message_id IS NOT NULL",
            [days[0], days[-1]],
        ).row(0, named=True)
    where = f"via SMTP {smtp.host}" if smtp.host else f"as .eml files in {paths.outbox}"
    return [
        f"  alerts: {mail['changes']} state change(s) in the window -> {mail['emails']} e-mail(s), "
        f"{mail['sent']} delivered {where}, {mail['pending']} pending (envmon deliver retries)",
        '  alerts table: .venv/bin/envmon query "SELECT * FROM alerts.events ORDER BY last_evaluated DESC"',
    ]

"""Alert mail sensors: every minute, compose the daily digests that are due (at the notify rules' digest hour, CST)
and deliver the queue; e-mail the data-operations contact when a run fails."""

import dagster as dg

from assets.alerts.contacts import load_contacts
from assets.alerts.dispatch import delivery_pass
from assets.alerts.run_failures import queue_run_failure, send_run_failure_now
from assets.alerts.transport import SmtpSettings, transport_for
from assets.resources import WarehouseResource
from assets.settings import AlertSettings, EnvmonSettings
from sensors.run_errors import failure_of
from warehouse.integrity import CorruptWarehouseError
from warehouse.snapshot import ALERT_TABLES, publish_snapshot


def _deliver(
    settings: dg.ResourceParam[EnvmonSettings],
    alerting: dg.ResourceParam[AlertSettings],
    mail: dg.ResourceParam[SmtpSettings],
    warehouse: WarehouseResource,
):
    """One pass; the snapshot is republished when the pass changed the queue (staff query the snapshot)."""
    out = delivery_pass(warehouse.connect, alerting, mail, settings.paths.outbox)
    if out.changed:
        publish_snapshot(settings.paths.warehouse, settings.paths.snapshot, verify=ALERT_TABLES)
    return out


@dg.sensor(
    name="alert_delivery_sensor",
    minimum_interval_seconds=60,
    default_status=dg.DefaultSensorStatus.RUNNING,
    description="Every minute: the daily digests that are due (rules.yaml notify.digest_hour, CST), then one delivery "
    "pass over alerts.deliveries (SMTP or .eml outbox). Failed sends stay pending with back-off (1, 2, 4 ... 60 min): "
    "an outage delays mail, never loses or duplicates it.",
)
def alert_delivery_sensor(
    settings: dg.ResourceParam[EnvmonSettings],
    alerting: dg.ResourceParam[AlertSettings],
    mail: dg.ResourceParam[SmtpSettings],
    warehouse: WarehouseResource,
):
    if not settings.paths.warehouse.exists():
        return dg.SkipReason("no warehouse yet")
    out = _deliver(settings, alerting, mail, warehouse)
    result = out.delivery
    errors = f"; last error: {result.errors[-1]}" if result.errors else ""
    return dg.SkipReason(
        f"digests {out.digests}, sent {result.sent}, retrying {result.retrying}, failed {result.failed}{errors}"
    )


@dg.run_failure_sensor(
    name="run_failure_email_sensor",
    default_status=dg.DefaultSensorStatus.RUNNING,
    description="E-mails the data-operations contact (contacts file) when a run of this code location fails.",
)
def run_failure_email_sensor(
    context: dg.RunFailureSensorContext,
    settings: dg.ResourceParam[EnvmonSettings],
    alerting: dg.ResourceParam[AlertSettings],
    mail: dg.ResourceParam[SmtpSettings],
    warehouse: WarehouseResource,
):
    run = context.dagster_run
    partition = run.tags.get("dagster/partition")
    # the failing step's own error (e.g. the file and why it cannot be read), not the run's "steps failed"
    error = f"{failure_of(context.instance, run.run_id)}\n({context.failure_event.message or 'run failed'})"
    contacts = load_contacts(alerting.contacts)
    try:
        with warehouse.connect() as con:
            queue_run_failure(con, contacts, run.run_id, run.job_name, partition, error)
    except CorruptWarehouseError:  # the queue lives in the damaged file: tell data operations directly
        transport = transport_for(mail, settings.paths.outbox)
        send_run_failure_now(contacts, transport, mail.mail_from, run.run_id, run.job_name, partition, error)
        return
    _deliver(settings, alerting, mail, warehouse)

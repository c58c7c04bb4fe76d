"""Alert mail sensors: deliver the queue every minute; e-mail the data-operations contact when a run fails."""

import dagster as dg

from assets.alerts.contacts import load_contacts
from assets.alerts.delivery import deliver_pending
from assets.alerts.resources import AlertSettings, MailResource
from assets.alerts.run_failures import queue_run_failure
from assets.alerts.transport import transport_for
from assets.resources import EnvmonSettings, WarehouseResource
from sensors.run_errors import failure_of
from warehouse.snapshot import publish_snapshot


def _deliver(settings: EnvmonSettings, mail: MailResource, warehouse: WarehouseResource):
    """One pass; the snapshot is republished when the pass changed the queue (staff query the snapshot)."""
    smtp = mail.smtp_settings()
    result = deliver_pending(warehouse.connect, transport_for(smtp, settings.paths.outbox), smtp.mail_from)
    if result.changed:
        publish_snapshot(settings.paths.warehouse, settings.paths.snapshot)
    return result


@dg.sensor(
    name="alert_delivery_sensor",
    minimum_interval_seconds=60,
    default_status=dg.DefaultSensorStatus.RUNNING,
    description="Every minute: one delivery pass over alerts.deliveries (SMTP or .eml outbox). Failed sends stay "
    "pending with back-off (1, 2, 4 ... 60 min): an outage delays mail, never loses or duplicates it.",
)
def alert_delivery_sensor(settings: EnvmonSettings, mail: MailResource, warehouse: WarehouseResource):
    if not settings.paths.warehouse.exists():
        return dg.SkipReason("no warehouse yet")
    result = _deliver(settings, mail, warehouse)
    errors = f"; last error: {result.errors[-1]}" if result.errors else ""
    return dg.SkipReason(f"sent {result.sent}, retrying {result.retrying}, failed {result.failed}{errors}")


@dg.run_failure_sensor(
    name="run_failure_email_sensor",
    default_status=dg.DefaultSensorStatus.RUNNING,
    description="E-mails the data-operations contact (contacts file) when a run of this code location fails.",
)
def run_failure_email_sensor(
    context: dg.RunFailureSensorContext, settings: EnvmonSettings, alerting: AlertSettings, mail: MailResource,
    warehouse: WarehouseResource,
):
    run = context.dagster_run
    partition = run.tags.get("dagster/partition")
    with warehouse.connect() as con:
        # the failing step's own error (e.g. the file and why it cannot be read), not the run's "steps failed"
        error = failure_of(context.instance, run.run_id)
        queue_run_failure(con, load_contacts(alerting.contacts), run.run_id, run.job_name, partition,
                          f"{error}\n({context.failure_event.message or 'run failed'})")
    _deliver(settings, mail, warehouse)

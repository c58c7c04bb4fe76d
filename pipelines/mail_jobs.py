"""The mail jobs that the mail sensors request: each pass is a run, with its log in the UI, and its writer op in
the ``duckdb_writer`` pool (a sensor tick only reads; ``sensors/mail_work.py``).

- ``mail_delivery_job``: the digests that are due, one delivery pass over alerts.deliveries, and the snapshot
  republished when the pass changed the queue (or when there is none yet): staff and the next tick read it.
- ``run_failure_mail_job``: the failed run's notice to data operations (run id, job, partition, error in the run
  config), queued once per run id, then a delivery pass; a warehouse that cannot queue it (corrupt) gets it sent
  at once without the queue.
- ``problem_mail_job``: the problem lines a run stored (meta.ingest_problems), queued once per run id, then a pass.

Exactly-once is the queue's (message keys, claims and leases: ``assets/alerts/mail/queue.py``), as for `envmon deliver`.
"""

import dagster as dg

from assets.alerts.dispatch import DispatchResult, delivery_pass
from assets.alerts.mail.run_failures import queue_run_failure, send_run_failure_now
from assets.alerts.mail.transport import SmtpSettings, transport_for
from assets.alerts.notify.contacts import load_contacts
from assets.ingest.problem_mail import queue_problem_mail
from assets.partitions import WRITER_POOL
from assets.resources import WarehouseResource
from assets.settings import AlertSettings, EnvmonSettings
from status_page.build import refresh_after_publish
from warehouse.integrity import CorruptWarehouseError
from warehouse.snapshot import ALERT_TABLES, publish_snapshot

MAIL_DELIVERY_JOB = "mail_delivery_job"
RUN_FAILURE_MAIL_JOB = "run_failure_mail_job"
PROBLEM_MAIL_JOB = "problem_mail_job"
MAIL_JOBS = frozenset({MAIL_DELIVERY_JOB, RUN_FAILURE_MAIL_JOB, PROBLEM_MAIL_JOB})


def deliver(
    log: dg.DagsterLogManager,
    settings: EnvmonSettings,
    alerting: AlertSettings,
    mail: SmtpSettings,
    warehouse: WarehouseResource,
) -> DispatchResult:
    """One pass; the snapshot is republished when the pass changed the queue (staff and the delivery sensor read
    the snapshot), or when none was published yet."""
    out = delivery_pass(warehouse.connect, alerting, mail, settings.paths.outbox)
    if out.changed or not settings.paths.snapshot.exists():
        publish_snapshot(settings.paths.warehouse, settings.paths.snapshot, verify=ALERT_TABLES)
        refresh_after_publish(
            settings.paths.snapshot, settings.paths.status_page, settings.paths.reports, log.warning
        )  # who was told
    r = out.delivery
    errors = f"; last error: {r.errors[-1]}" if r.errors else ""
    log.info(f"digests {out.digests}, sent {r.sent}, retrying {r.retrying}, failed {r.failed}{errors}")
    return out


@dg.op(pool=WRITER_POOL, description="Digests due, one delivery pass, the snapshot republished if the queue changed.")
def deliver_mail(
    context: dg.OpExecutionContext,
    settings: dg.ResourceParam[EnvmonSettings],
    alerting: dg.ResourceParam[AlertSettings],
    mail: dg.ResourceParam[SmtpSettings],
    warehouse: WarehouseResource,
) -> None:
    if not settings.paths.warehouse.exists():
        context.log.info(f"no warehouse yet at {settings.paths.warehouse}: nothing to deliver")
        return
    deliver(context.log, settings, alerting, mail, warehouse)


class RunFailureConfig(dg.Config):
    run_id: str
    job: str
    partition: str | None = None
    error: str


@dg.op(pool=WRITER_POOL, description="Queues the failed run's notice to data operations, then a delivery pass.")
def mail_run_failure(
    context: dg.OpExecutionContext,
    config: RunFailureConfig,
    settings: dg.ResourceParam[EnvmonSettings],
    alerting: dg.ResourceParam[AlertSettings],
    mail: dg.ResourceParam[SmtpSettings],
    warehouse: WarehouseResource,
) -> None:
    contacts = load_contacts(alerting.contacts)
    args = (config.run_id, config.job, config.partition, config.error)
    try:
        with warehouse.connect() as con:
            queued = queue_run_failure(con, contacts, *args)
    except CorruptWarehouseError as exc:  # the queue lives in the damaged file: tell data operations directly
        transport = transport_for(mail, settings.paths.outbox)
        sent = send_run_failure_now(contacts, transport, mail.mail_from, *args)
        context.log.warning(f"warehouse cannot queue the notice ({exc}): sent at once to {sent} recipient(s)")
        return
    context.log.info(f"run {config.run_id} ({config.job}): {queued} new delivery row(s)")
    deliver(context.log, settings, alerting, mail, warehouse)


class ProblemMailConfig(dg.Config):
    run_id: str


@dg.op(pool=WRITER_POOL, description="Queues the run's problem lines (meta.ingest_problems) to data operations.")
def mail_run_problems(
    context: dg.OpExecutionContext,
    config: ProblemMailConfig,
    settings: dg.ResourceParam[EnvmonSettings],
    alerting: dg.ResourceParam[AlertSettings],
    mail: dg.ResourceParam[SmtpSettings],
    warehouse: WarehouseResource,
) -> None:
    if not warehouse.path.exists():
        context.log.info(f"no warehouse yet at {warehouse.path}: no problem lines")
        return
    with warehouse.connect() as con:
        queued = queue_problem_mail(con, load_contacts(alerting.contacts), config.run_id)
    context.log.info(f"run {config.run_id}: {queued} new delivery row(s) (0: no problem lines, or queued already)")
    if queued:
        deliver(context.log, settings, alerting, mail, warehouse)


@dg.job(name=MAIL_DELIVERY_JOB, description="One mail pass: digests due, the queue sent, the snapshot republished.")
def mail_delivery_job():
    deliver_mail()


@dg.job(name=RUN_FAILURE_MAIL_JOB, description="The e-mail to data operations about one failed run.")
def run_failure_mail_job():
    mail_run_failure()


@dg.job(name=PROBLEM_MAIL_JOB, description="The e-mail to data operations about one run's problem lines.")
def problem_mail_job():
    mail_run_problems()


mail_jobs = [mail_delivery_job, run_failure_mail_job, problem_mail_job]

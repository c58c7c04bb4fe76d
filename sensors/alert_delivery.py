"""Alert mail sensors: they only request runs (``pipelines/mail_jobs.py``); a tick sends no mail, writes no
warehouse and copies no file, so it takes well under a second and never waits for the write lock.

The delivery sensor requests a ``mail_delivery_job`` run when there is work, judged from the published snapshot
read-only (``sensors/mail_work.py``): once a day when the digest time has come (rules.yaml notify.digest_hour,
CST), and otherwise only when the snapshot holds deliveries whose next attempt has come. Nothing pending, nothing
requested: the run list shows passes, not a run a minute."""

import datetime as dt
import json
import time

import dagster as dg

from assets.alerts.notify.notify_rules import NotifyRules
from assets.alerts.rules.rules_config import load_rules
from assets.clock import CST, now_cst
from assets.settings import AlertSettings, EnvmonSettings
from pipelines.mail_jobs import RUN_FAILURE_MAIL_JOB, mail_delivery_job, run_failure_mail_job
from sensors.mail_work import due_deliveries, failed_recently, in_flight
from sensors.run_errors import failure_of
from warehouse.integrity import corrupt_marker

RETRY_FAILED_PASS_SECONDS = 15 * 60  # a pass that failed (not a failed send: those back off in the queue)


@dg.sensor(
    name="alert_delivery_sensor",
    job=mail_delivery_job,
    minimum_interval_seconds=60,
    default_status=dg.DefaultSensorStatus.RUNNING,
    description="Every minute, reading the published snapshot only: requests a mail_delivery_job run when the daily "
    "digests are due (rules.yaml notify.digest_hour, CST, once a day) or deliveries are pending and due. Failed "
    "sends stay pending with back-off (1, 2, 4 ... 60 min): an outage delays mail, never loses or duplicates it.",
)
def alert_delivery_sensor(
    context: dg.SensorEvaluationContext,
    settings: dg.ResourceParam[EnvmonSettings],
    alerting: dg.ResourceParam[AlertSettings],
):
    paths = settings.paths
    if not paths.warehouse.exists():
        return dg.SkipReason("no warehouse yet")
    if corrupt_marker(paths.warehouse).exists():  # every pass would fail (and each failure mail data operations)
        return dg.SkipReason(f"{paths.warehouse} is marked corrupt: no pass until it is restored (docs/deployment.md)")
    if in_flight(context.instance, mail_delivery_job.name):
        return dg.SkipReason("a mail_delivery_job run is queued or running: the next tick looks again")
    if failed := failed_recently(context.instance, mail_delivery_job.name, time.time(), RETRY_FAILED_PASS_SECONDS):
        when = dt.datetime.fromtimestamp(failed, CST).strftime("%H:%M")
        return dg.SkipReason(f"the last mail_delivery_job run failed at {when} CST (see its log): the next in 15 min")
    now = now_cst()
    cursor = json.loads(context.cursor) if context.cursor else {}
    digest_day = NotifyRules.from_rules(load_rules(alerting.rules)).latest_due_day(now).isoformat()
    if cursor.get("digest_day") != digest_day:  # the day's digest time has come: one run composes and sends them
        context.update_cursor(json.dumps({**cursor, "digest_day": digest_day}))
        return dg.RunRequest(run_key=f"digests:{digest_day}", tags={"envmon/mail": "digests"})
    due = due_deliveries(paths.snapshot, now)
    if due == 0:
        return dg.SkipReason(f"nothing pending and due in {paths.snapshot} (digests of {digest_day} requested)")
    why = f"{due} deliveries due" if due else "no readable snapshot: one pass publishes it"
    # the minute keys the run: the same tick evaluated twice requests it once
    return dg.RunRequest(run_key=f"deliver:{now:%Y-%m-%dT%H:%M}", tags={"envmon/mail": why})


@dg.run_failure_sensor(
    name="run_failure_email_sensor",
    request_job=run_failure_mail_job,
    default_status=dg.DefaultSensorStatus.RUNNING,
    description="Requests a run_failure_mail_job run (the e-mail to the data-operations contact) when a run of this "
    "code location fails; keyed by the failed run's id.",
)
def run_failure_email_sensor(context: dg.RunFailureSensorContext):
    run = context.dagster_run
    if run.job_name == RUN_FAILURE_MAIL_JOB:  # its own failure mailed by itself would loop; it stays in the UI
        return dg.SkipReason(f"{RUN_FAILURE_MAIL_JOB} failed (run {run.run_id}): see the run's log")
    # the failing step's own error (e.g. the file and why it cannot be read), not the run's "steps failed";
    # read from the event log, not the warehouse
    error = f"{failure_of(context.instance, run.run_id)}\n({context.failure_event.message or 'run failed'})"
    config = {"run_id": run.run_id, "job": run.job_name, "partition": run.tags.get("dagster/partition"), "error": error}
    return dg.RunRequest(
        run_key=f"run-failure:{run.run_id}",
        run_config={"ops": {"mail_run_failure": {"config": config}}},
        tags={"envmon/failed_run": run.run_id},
    )

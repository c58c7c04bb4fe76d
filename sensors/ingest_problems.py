"""The data-operations e-mail about a run's problem lines (meta.ingest_problems), for runs the daemon launched
(schedule, landing sensor, automation, UI): one e-mail per run, when the run ends, success or failure. In-process
runs (`envmon run`, `envmon ingest`) queue the same e-mail from the command (pipelines/commands/problem_summary.py);
the run id keys it, so either path queues it once."""

import dagster as dg

from assets.alerts.contacts import load_contacts
from assets.ingest.problem_mail import queue_problem_mail
from assets.resources import WarehouseResource
from assets.settings import AlertSettings


def _problem_mail_sensor(name: str, status: dg.DagsterRunStatus):
    @dg.run_status_sensor(
        name=name,
        run_status=status,
        default_status=dg.DefaultSensorStatus.RUNNING,
        description="E-mails data operations the problem lines a run stored in meta.ingest_problems (rows of "
        "another date, normalised codes, unparsable cells, formulas without values, extra sheets, old readings, "
        "unreadable files), once per run; the delivery sensor sends it.",
    )
    def sensor(
        context: dg.RunStatusSensorContext, alerting: dg.ResourceParam[AlertSettings], warehouse: WarehouseResource
    ):
        if warehouse.path.exists():
            with warehouse.connect() as con:
                queue_problem_mail(con, load_contacts(alerting.contacts), context.dagster_run.run_id)

    return sensor


ingest_problems_sensor = _problem_mail_sensor("ingest_problems_email_sensor", dg.DagsterRunStatus.SUCCESS)
ingest_problems_failure_sensor = _problem_mail_sensor(
    "ingest_problems_email_on_failure_sensor", dg.DagsterRunStatus.FAILURE
)

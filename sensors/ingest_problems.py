"""The data-operations e-mail about a run's problem lines (meta.ingest_problems), for runs the daemon launched
(schedule, landing sensor, automation, UI): one e-mail per run, when the run ends, success or failure. The sensor
requests a ``problem_mail_job`` run (keyed by the run id), which queues and sends it; the tick only reads the
published snapshot to skip runs that stored no problem lines (``sensors/mail_work.py``). In-process runs
(`envmon run`, `envmon ingest`) queue the same e-mail from the command (pipelines/commands/problem_summary.py); the
run id keys it, so either path queues it once."""

import dagster as dg

from assets.settings import EnvmonSettings
from pipelines.mail_jobs import MAIL_JOBS, problem_mail_job
from sensors.mail_work import run_problem_lines


def _problem_mail_sensor(name: str, status: dg.DagsterRunStatus):
    @dg.run_status_sensor(
        name=name,
        run_status=status,
        request_job=problem_mail_job,
        default_status=dg.DefaultSensorStatus.RUNNING,
        description="Requests a problem_mail_job run: the e-mail to data operations of the problem lines a run "
        "stored in meta.ingest_problems (rows of another date, normalised codes, unparsable cells, formulas without "
        "values, extra sheets, old readings, unreadable files), once per run.",
    )
    def sensor(context: dg.RunStatusSensorContext, settings: dg.ResourceParam[EnvmonSettings]):
        run = context.dagster_run
        if run.job_name in MAIL_JOBS:  # the mail jobs ingest nothing (and a mail run per mail run would loop)
            return dg.SkipReason(f"{run.job_name} stores no problem lines")
        if not settings.paths.warehouse.exists():
            return dg.SkipReason("no warehouse yet")
        record = context.instance.get_run_record_by_id(run.run_id)
        ended = record.end_time if record else None
        if run_problem_lines(settings.paths.snapshot, run.run_id, ended) == 0:  # the snapshot after the run knows
            return dg.SkipReason(f"run {run.run_id} stored no problem lines")
        return dg.RunRequest(
            run_key=f"ingest-problems:{run.run_id}",
            run_config={"ops": {"mail_run_problems": {"config": {"run_id": run.run_id}}}},
            tags={"envmon/run": run.run_id},
        )

    return sensor


ingest_problems_sensor = _problem_mail_sensor("ingest_problems_email_sensor", dg.DagsterRunStatus.SUCCESS)
ingest_problems_failure_sensor = _problem_mail_sensor(
    "ingest_problems_email_on_failure_sensor", dg.DagsterRunStatus.FAILURE
)

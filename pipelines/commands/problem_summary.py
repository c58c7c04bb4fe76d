"""After `envmon run` / `envmon ingest`: the problem lines the command's runs stored (meta.ingest_problems), as
lines of the closing summary, and their e-mail to data operations (one per run, queued before the delivery pass)."""

from assets.alerts.notify.contacts import load_contacts
from assets.ingest.problem_mail import queue_problem_mail
from assets.ingest.problems import grouped_lines, run_problems
from assets.settings import AlertSettings
from warehouse.connection import write_connection
from warehouse.paths import DataPaths

SHOWN = 12  # summary lines; the rest is one query away


def after_runs(run_ids: list[str]) -> list[str]:
    """Queue each run's problem e-mail and return the summary lines (none when the runs met no problem)."""
    paths = DataPaths.from_env()
    if not run_ids or not paths.warehouse.exists():
        return []
    with write_connection(paths.warehouse) as con:
        problems = run_problems(con, run_ids)
        if not problems.height:
            return []
        contacts = load_contacts(AlertSettings.from_env().contacts)
        for run_id in problems["run_id"].unique():  # keyed by the run: a message queued before stays the one
            queue_problem_mail(con, contacts, run_id)
    lines = grouped_lines(problems, shown=1)
    marks = ", ".join(f"'{r}'" for r in problems["run_id"].unique().sort())
    return [
        f"  data problems: {problems.height} line(s) in meta.ingest_problems, e-mailed to data operations",
        *[f"    {line}" for line in lines[:SHOWN]],
        *([f"    ... {len(lines) - SHOWN} more"] if len(lines) > SHOWN else []),
        f'    all of them: .venv/bin/envmon query "SELECT * FROM meta.ingest_problems WHERE run_id IN ({marks})"',
    ]

"""The e-mail to data operations about the problem lines of one run (``meta.ingest_problems``).

One message per Dagster run that stored problem lines, keyed by the run id: queuing it again (the sensor and a
command, a re-delivery) changes nothing. Kept to this one function so that a daily digest of data-operations mail
can take it over.
"""

from __future__ import annotations

import datetime as dt

import duckdb

from assets.alerts.mail.queue import enqueue_email
from assets.alerts.notify.contacts import Contact
from assets.ingest.problems import grouped_lines, run_problems

MAX_LINES = 200  # the rest is one query away


def queue_problem_mail(
    con: duckdb.DuckDBPyConnection, contacts: list[Contact], run_id: str, now: dt.datetime | None = None
) -> int:
    """Queue the run's problem lines to the data-operations contacts; returns the new deliveries (0: no problems,
    or already queued)."""
    problems = run_problems(con, [run_id])
    if not problems.height:
        return 0
    ops = [c for c in contacts if c.role == "data_operations"]
    files = problems["file"].drop_nulls().unique().len()
    lines = grouped_lines(problems)
    query = f"envmon query \"SELECT * FROM meta.ingest_problems WHERE run_id = '{run_id}'\""
    shown = lines[:MAX_LINES] + (
        [f"... {len(lines) - MAX_LINES} more line(s): {query}"] if len(lines) > MAX_LINES else []
    )
    text = "\n".join(
        [
            f"数据接收问题：本次运行发现 {problems.height} 条问题（{files} 个文件），数据已照常处理，请核查来源数据。",
            f"Data received with problems: {problems.height} problem line(s) in {files} file(s) in run {run_id}. "
            "The rest of the data was loaded as usual; please check the sources named below.",
            "",
            *shown,
            "",
            f"All lines / 全部问题: {query}",
            "Unparsable cells / 无法解析的数值: quarantine.rejected_values; "
            "rejected rows / 被拒绝的行: quarantine.rejected_rows",
        ]
    )
    subject = f"【川南渝西】数据接收问题 data problems — {problems.height} line(s), run {run_id[:8]}"
    return enqueue_email(con, key=f"ingest-problems:{run_id}", to=ops, subject=subject, text=text, now=now)

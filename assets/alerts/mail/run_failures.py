"""The e-mail to the data-operations contact when a pipeline run fails (from the run-failure sensor or `envmon run`)."""

from __future__ import annotations

import duckdb

from assets.alerts.mail.mime import one_line
from assets.alerts.mail.queue import enqueue_email
from assets.alerts.notify.contacts import Contact


def queue_run_failure(
    con: duckdb.DuckDBPyConnection, contacts: list[Contact], run_id: str, job: str, partition: str | None, error: str
) -> int:
    """Queue the failure notice once per run (the run id is the key); returns the number of new deliveries."""
    ops = [c for c in contacts if c.role == "data_operations"]
    subject, text = run_failure_mail(run_id, job, partition, error)
    return enqueue_email(con, key=f"run-failure:{run_id}", to=ops, subject=subject, text=text)


def send_run_failure_now(
    contacts: list[Contact], transport, sender: str, run_id: str, job: str, partition: str | None, error: str
) -> int:
    """The same notice sent at once, without the queue: for a warehouse that cannot queue it (corrupt). Returns
    the number of recipients it reached; a failed send is not retried (the command's own error line remains)."""
    from email.utils import make_msgid
    from html import escape

    from assets.alerts.mail.mime import build_message
    from assets.alerts.mail.transport import DeliveryError

    subject, text = run_failure_mail(run_id, job, partition, error)
    sent = 0
    with transport:
        for c in (c for c in contacts if c.role == "data_operations"):
            msg = build_message(
                subject, text, f"<pre>{escape(text)}</pre>", sender, c.name, c.email, make_msgid(domain="envmon.local")
            )
            try:
                transport.send(msg, c.email)
                sent += 1
            except (DeliveryError, OSError):
                continue
    return sent


def run_failure_mail(run_id: str, job: str, partition: str | None, error: str) -> tuple[str, str]:
    """Subject and text of the notice to data operations."""
    where = f"Dagster UI → Runs → {run_id}"
    subject = (
        f"【川南渝西联合预警】数据处理失败 pipeline run failed — {one_line(job)} {one_line(partition or '')}".strip()
    )
    text = "\n".join(
        [
            f"数据处理任务失败：{job}，分区 {partition or '—'}。",
            f"运行编号：{run_id}",
            f"查看：{where}",
            "",
            f"Pipeline run failed: job {job}, partition {partition or '-'}.",
            f"Run id: {run_id}",
            f"See: {where}",
            "",
            "Error / 错误:",
            error[:4000],
        ]
    )
    return subject, text

"""The e-mail to the data-operations contact when a pipeline run fails (from the run-failure sensor or `envmon run`)."""

from __future__ import annotations

import duckdb

from assets.alerts.contacts import Contact
from assets.alerts.mime import one_line
from assets.alerts.queue import enqueue_email


def queue_run_failure(
    con: duckdb.DuckDBPyConnection, contacts: list[Contact], run_id: str, job: str, partition: str | None, error: str
) -> int:
    """Queue the failure notice once per run (the run id is the key); returns the number of new deliveries."""
    ops = [c for c in contacts if c.role == "data_operations"]
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
    return enqueue_email(con, key=f"run-failure:{run_id}", to=ops, subject=subject, text=text)

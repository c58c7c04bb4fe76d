"""The report e-mail to the joint office (联合办公室), queued through the alert delivery queue."""

from __future__ import annotations

import datetime as dt
import hashlib
from pathlib import Path

import duckdb

from assets.alerts.mail.queue import enqueue_email
from assets.alerts.notify.contacts import load_contacts, recipients_for
from assets.demo import marked
from assets.reports.build import ReportOutput
from assets.reports.joint_mail import joint_mail_lines


def report_mail_text(out: ReportOutput) -> str:
    p = out.period
    area = out.tables.tables.get("air_area")
    lines = [p.title_zh, p.title_en, "", f"统计期 Period: {p.start} – {p.end}"]
    region = out.tables.tables.get("air_region")
    if region is not None:
        for r in region.filter(region["scope"] == "region").iter_rows(named=True):
            lines.append(
                f"全区域平均优良天数比例 Good-days ratio (region mean): {r['good_days_ratio']}%；"
                f"达标区域 areas attaining: {r['areas_attained']}/{r['areas']}"
            )
    if area is not None:
        lines.append(f"区域数 Areas reported: {area.height}")
    lines += joint_mail_lines(out.tables)  # composite index ranking, exceptional events, border disputes
    lines += [
        "",
        "附件 Attachments: 报告 HTML（含图表）与 XLSX（每表一页）。",
        "The HTML report (with charts) and the XLSX (one sheet per table) are attached.",
    ]
    return "\n".join(lines)


def queue_report_mail(
    con: duckdb.DuckDBPyConnection, out: ReportOutput, contacts: Path, now: dt.datetime | None = None
) -> int:
    """Queue the report to every joint-office contact; re-queuing the same period's report is a no-op.

    The key carries the period and a hash of the exported tables (the CSVs, which hold no timestamp), so a report
    regenerated with new data is sent again while an identical re-run is not.
    """
    digest = hashlib.sha256(b"".join(p.read_bytes() for p in sorted(out.csvs))).hexdigest()[:12]
    to = recipients_for([{"role": "joint_office"}], load_contacts(contacts))
    if not to:  # the files are written; fail the run so that operators see the report went nowhere
        raise ValueError(
            f"{contacts}: no contact with role joint_office, the report {out.period.label} "
            f"cannot be e-mailed (files are in {out.folder})"
        )
    subject, text = f"{out.period.title_zh} | {out.period.title_en}", report_mail_text(out)
    if out.tables.generated:  # a period holding generated data: the mail says so first (assets/demo.py)
        subject, text, _ = marked(subject, text)
    return enqueue_email(
        con,
        key=f"report:{out.period.label}:{digest}",
        to=to,
        subject=subject,
        text=text,
        attachments=[out.html, out.xlsx],
        now=now,
        mail_kind="report",
        mail_day=out.period.start,
    )

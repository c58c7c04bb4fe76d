"""The alert pages' data (预警详情): one JSON per alert of the published snapshot, read by ``alert.html?id=<id>``.

One file per alert (not one file of all alerts) so that a mail's link loads only its own alert, however many the
snapshot holds; files are named by the hex of the alert id's UTF-8 bytes (ids hold ``/`` and Chinese names), which
the page computes the same way. The words (级别, 撤回原因, the evidence table) are the alert mails' own
(``assets/alerts/mail/email_render.py``), so the page says what the mail said. Plain Python and DuckDB, read-only.
"""

from __future__ import annotations

import json
from pathlib import Path

import duckdb

from assets.alerts.evaluate import LOOKBACK_DAYS
from assets.alerts.mail.digest_render import KINDS
from assets.alerts.mail.email_render import DATA_STATUSES, LEVELS, STATUSES, cell, reason, shown_evidence, summary
from assets.alerts.notify.announce import notification_for
from assets.demo import mark_alerts
from assets.reports.alert_labels import ACTIVE, ROLES
from status_page import alert_queries
from status_page.overview import rows

FOLDER = "alerts"  # under the status folder
# the lifecycle's own states beyond those mailed: a quiet day, and a revision a later correction withdrew
STATES = {**STATUSES, "active": ACTIVE, "void": ("作废", "void: withdrawn by a later correction")}
CHANNELS = {"immediate": ("即时邮件", "immediate e-mail"), "digest": ("每日摘要", "daily digest")}


def named(code: str | None, table: dict) -> list[str]:
    """[Chinese, English] for a code (the code itself when the table does not know it)."""
    zh, en = table.get(code, (code, code))
    return [zh or "", en or ""]


def file_name(event_id: str) -> str:
    """``alerts/<hex of the id's UTF-8>.json``: safe on any file system and web server, and easy in JavaScript."""
    return f"{event_id.encode('utf-8').hex()}.json"


def words(row: dict) -> dict:
    """What the mail of this state says: the summary (a retraction: 撤回原因 first), the evidence heading and rows."""
    n = notification_for(row, [])
    (heading_zh, heading_en), evidence = shown_evidence(n)
    return {
        "summary_zh": summary(n, "zh"),
        "summary_en": summary(n, "en"),
        "subjects": n.subjects,
        "evidence_heading": [heading_zh, heading_en],
        "evidence": [{k: cell(v) for k, v in r.items()} for r in evidence],
        "retraction_reason": [reason(n, "zh"), reason(n, "en")] if n.status == "retracted" else None,
    }


def build_alerts(con: duckdb.DuckDBPyConnection) -> dict[str, dict]:
    """alert id -> its page's data, for every alert in the snapshot."""
    told: dict[str, list[dict]] = {}
    for r in rows(con, alert_queries.TOLD):
        r |= {"role_zh": ROLES.get(r["role"], r["role"]), "channel_words": named(r["channel"], CHANNELS)}
        told.setdefault(r.pop("event_id"), []).append(r)
    log: dict[str, list[dict]] = {}
    changes = rows(con, alert_queries.LIFECYCLE)
    for r in mark_alerts(con, changes, LOOKBACK_DAYS):  # made from generated data: the page says so, as the mail
        said = words(r)
        log.setdefault(r["event_id"], []).append(
            {k: r[k] for k in ("day", "revision", "status", "level", "evaluated_at", "current", "told", "told_at_once")}
            | {k: said[k] for k in ("summary_zh", "summary_en", "retraction_reason")}
            | {"demo": r["demo"], "status_words": named(r["status"], STATES), "level_words": named(r["level"], LEVELS)}
        )
    out = {}
    for e in rows(con, alert_queries.EVENTS):
        lifecycle = log.get(e["event_id"], [])
        out[e["event_id"]] = {
            **{k: v for k, v in e.items() if k != "evidence"},
            **words(e),
            "in_force": e["status"] not in ("lifted", "retracted"),
            "status_words": named(e["status"], STATES),
            "level_words": named(e["level"], LEVELS),
            "kind_words": named(e["kind"], KINDS),
            "data_status_words": named(e["data_status"], DATA_STATUSES) if e["data_status"] else None,
            "lifecycle": lifecycle,
            "told": told.get(e["event_id"], []),
            "demo": any(c["demo"] for c in lifecycle),
        }
    return out


def write_alert_pages(con: duckdb.DuckDBPyConnection, folder: Path, replace_file) -> int:
    """Each alert's JSON in ``folder/alerts/`` (rewritten only when it changed); files of alerts no longer in the
    snapshot removed. Returns the number of alerts."""
    target = folder / FOLDER
    target.mkdir(parents=True, exist_ok=True)
    wanted = {}
    for event_id, data in build_alerts(con).items():
        wanted[file_name(event_id)] = json.dumps(data, ensure_ascii=False, indent=1).encode("utf-8")
    for name, content in wanted.items():
        path = target / name
        if not path.exists() or path.read_bytes() != content:
            replace_file(path, content)
    for old in target.glob("*.json"):
        if old.name not in wanted:
            old.unlink()
    return len(wanted)

"""The alert lifecycle: issued → upgraded / downgraded → lifted, or retracted; e-mail only on a state change.

Each evaluated day D writes one row per alert into alerts.event_log. The state on D follows from the alert's state
on the day before (the latest row before D) and the rule's candidate on D:

    open before  candidate on D   → status on D
    no           yes              → issued (new id: kind/subject/D)
    yes          yes              → upgraded | downgraded | active (same level: no e-mail)
    yes          no               → lifted

Re-running D compares with what D recorded before: the same outcome changes nothing (no e-mail, the queue's
message ids are deterministic too); an alert issued on D that the rules no longer raise on D (its data were
invalidated or corrected) is **retracted**, with an e-mail; any other changed outcome is written as a new revision
and announced if it is a notifying status.

The log is append-only: a correction adds rows and never deletes or rewrites one (only the evidence of an unchanged
state is refreshed in place, and the mail's id set). A (alert, day) holds every revision; the highest is its state
(``alerts.event_states``). A row that a correction makes meaningless (the later days of a retracted alert, or the
day of an alert that a re-run of an earlier day ended) gets a new revision with status ``void``: not a state, never
announced, kept so that the record shows what was said before.
"""

from __future__ import annotations

import datetime as dt
import json

import duckdb
import polars as pl

from assets.alerts.rules.candidates import LEVEL_RANKS, Candidate
from warehouse.connection import fetch_polars
from warehouse.partitions import registered

OPEN = ("issued", "upgraded", "downgraded", "active")
NOTIFY = ("issued", "upgraded", "downgraded", "lifted", "retracted")
VOID = "void"  # a revision that withdraws the row below it (see the module's doc)


def event_id_for(kind: str, subject: str, day: dt.date) -> str:
    return f"{kind}/{subject}/{day.isoformat()}"


def apply_day(
    con: duckdb.DuckDBPyConnection, day: dt.date, candidates: list[Candidate], kinds: set[str], now: dt.datetime
) -> list[dict]:
    """Write day D's states for the given kinds; returns the rows that must be announced (status in NOTIFY)."""
    by_key = {c.key: c for c in candidates if c.kind in kinds}
    prev = latest_before(con, day, kinds)
    recorded = _rows_on(con, day, kinds)
    revisions = _revisions_on(con, day, kinds)  # every alert's highest revision on D, void ones included
    announce, writes = [], []  # written together at the end, new revisions beside the old ones
    keys = set(by_key) | {k for k, r in prev.items() if r["status"] in OPEN} | set(recorded)
    for key in sorted(keys):
        before, cand, rec = prev.get(key), by_key.get(key), recorded.get(key)
        new = _next_state(key, before, cand, day)
        if rec is not None and (new is None or new["event_id"] != rec["event_id"]):
            if rec["status"] == "retracted":  # already withdrawn: keep the record
                pass
            elif rec["status"] == "issued":  # what D raised is gone from D: the triggering data changed
                retract = {**rec, "status": "retracted", "revision": rec["revision"] + 1}
                writes.append(retract)
                writes += [{**r, "status": VOID, "revision": r["revision"] + 1} for r in _rows_after(con, rec, day)]
                announce.append(retract)
            else:  # the alert had ended before D (a re-run of an earlier day): its row of D says nothing now
                writes.append({**rec, "status": VOID, "revision": rec["revision"] + 1})
            revisions[rec["event_id"]] = rec["revision"] + 1
            rec = None
        if new is None:
            continue
        if rec is not None and (rec["status"], rec["level"]) == (new["status"], new["level"]):
            writes.append({**new, "revision": rec["revision"], "message_id": rec["message_id"]})  # fresher evidence
            continue
        new["revision"] = revisions.get(new["event_id"], -1) + 1
        if rec is not None and new["status"] == "active" and rec["status"] in NOTIFY:
            # a corrected re-run of D: say where the alert really stands against what D announced before
            rank, was = new["level_rank"], rec["level_rank"]
            new["status"] = "upgraded" if rank > was else "downgraded" if rank < was else "issued"
        writes.append(new)
        if new["status"] in NOTIFY:
            announce.append(new)
    _write_all(con, writes, now)
    return announce


def set_message_ids(con: duckdb.DuckDBPyConnection, ids: list[tuple[str, dt.date, int, str]]) -> None:
    """The state changes' ids on their log rows, ``(alert id, day, revision, change id)`` each, in one statement."""
    if not ids:
        return
    frame = pl.DataFrame(ids, schema=["event_id", "day", "revision", "message_id"], orient="row")
    with registered(con, "_ids", frame):
        con.execute(
            "UPDATE alerts.event_log AS l SET message_id = i.message_id FROM _ids AS i "
            "WHERE l.event_id = i.event_id AND l.day = i.day AND l.revision = i.revision"
        )


def open_subjects(con: duckdb.DuckDBPyConnection, kind: str, day: dt.date) -> set[str]:
    """Subjects of ``kind`` whose alert was open on the day before D."""
    return {k[1] for k, r in latest_before(con, day, {kind}).items() if r["status"] in OPEN}


def _next_state(key, before: dict | None, cand: Candidate | None, day: dt.date) -> dict | None:
    is_open = before is not None and before["status"] in OPEN
    if cand is None:
        return {**before, "status": "lifted", "day": day} if is_open else None
    row = {
        "event_id": before["event_id"] if is_open else event_id_for(cand.kind, cand.subject, day),
        "day": day,
        "kind": cand.kind,
        "subject": cand.subject,
        "level": cand.level,
        "level_rank": LEVEL_RANKS.get(cand.level, 1),
        "title_zh": cand.title_zh,
        "title_en": cand.title_en,
        "evidence": json.dumps(
            {
                "subjects": cand.subjects,
                "summary_zh": cand.summary_zh,
                "summary_en": cand.summary_en,
                "rows": cand.evidence,
                "topic": cand.topic,
                "border": cand.border,
                "standard_zh": cand.standard_zh,
            },
            ensure_ascii=False,
            default=str,
        ),
        "standard": cand.standard,
        "data_status": cand.data_status,
        "capture_pct": cand.capture_pct,
        "recipients": json.dumps(cand.recipients, ensure_ascii=False),
        "message_id": None,
    }
    if not is_open:
        row["status"] = "issued"
    elif row["level_rank"] > before["level_rank"]:
        row["status"] = "upgraded"
    elif row["level_rank"] < before["level_rank"]:
        row["status"] = "downgraded"
    else:
        row["status"] = "active"
    return row


def latest_before(con, day: dt.date, kinds: set[str]) -> dict[tuple[str, str], dict]:
    """(kind, subject) -> the alert's latest state before day D: its state at the end of D-1 (of two alerts on that
    day, one retracted and one that goes on, the one that goes on)."""
    frame = fetch_polars(
        con,
        "SELECT * FROM alerts.event_states WHERE day < ? AND list_contains(?, kind) "
        "QUALIFY row_number() OVER (PARTITION BY kind, subject ORDER BY day DESC, status = 'retracted') = 1",
        [day, sorted(kinds)],
    )
    return _keyed(frame)


def _rows_on(con, day: dt.date, kinds: set[str]) -> dict[tuple[str, str], dict]:
    """(kind, subject) -> D's state of it (the alert that goes on before one retracted on D)."""
    return _keyed(
        fetch_polars(
            con,
            "SELECT * FROM alerts.event_states WHERE day = ? AND list_contains(?, kind) "
            "ORDER BY status <> 'retracted'",  # the last one of a key wins in _keyed
            [day, sorted(kinds)],
        )
    )


def _revisions_on(con, day: dt.date, kinds: set[str]) -> dict[str, int]:
    rows = con.execute(
        "SELECT event_id, max(revision) FROM alerts.event_log WHERE day = ? AND list_contains(?, kind) GROUP BY 1",
        [day, sorted(kinds)],
    ).fetchall()
    return dict(rows)


def _rows_after(con, rec: dict, day: dt.date) -> list[dict]:
    """The retracted alert's states after D (void now: it never was)."""
    frame = fetch_polars(
        con, "SELECT * FROM alerts.event_states WHERE event_id = ? AND day > ?", [rec["event_id"], day]
    )
    return list(frame.iter_rows(named=True))


def _keyed(frame: pl.DataFrame) -> dict[tuple[str, str], dict]:
    return {(r["kind"], r["subject"]): r for r in frame.iter_rows(named=True)}


COLUMNS = (
    "event_id",
    "day",
    "kind",
    "subject",
    "status",
    "level",
    "level_rank",
    "title_zh",
    "title_en",
    "evidence",
    "standard",
    "data_status",
    "capture_pct",
    "recipients",
    "revision",
    "message_id",
)


def _write_all(con, rows: list[dict], now: dt.datetime) -> None:
    """The day's rows in one statement (a national catalog has hundreds of subjects a day)."""
    if not rows:
        return
    frame = pl.DataFrame(
        [
            {
                c: row[c] if c not in ("evidence", "recipients") or isinstance(row[c], str) else json.dumps(row[c])
                for c in COLUMNS
            }
            for row in rows
        ],
        infer_schema_length=None,
        strict=False,
    )
    with registered(con, "_event_rows", frame):
        con.execute(
            f"INSERT OR REPLACE INTO alerts.event_log ({', '.join(COLUMNS)}, evaluated_at) "
            f"SELECT {', '.join(COLUMNS)}, ? FROM _event_rows",
            [now],
        )

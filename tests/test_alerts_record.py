"""The alert record after a correction (issue 24): alerts.event_log is append-only (a retraction adds rows, the
issued and lifted rows stay), alerts.events and the ledger give the alert's last state, re-runs add nothing."""

import datetime as dt

import duckdb

from assets.alerts.ledger.ledger import refresh_ledger
from assets.alerts.rules.lifecycle import apply_day
from tests.test_alerts_lifecycle import KINDS, NOW, D, step, warn
from warehouse.connection import fetch_polars, write_connection
from warehouse.schema import ensure_schema

EVENT = "area_warning/自贡/2026-01-10"


def day(i: int) -> dt.date:
    return D + dt.timedelta(days=i)


def log(con) -> list[tuple]:
    return fetch_polars(
        con,
        "SELECT day, revision, status, level FROM alerts.event_log WHERE event_id = ? ORDER BY day, revision",
        [EVENT],
    ).rows()


def status(con) -> tuple[str, str]:
    refresh_ledger(con, [EVENT])
    (event,) = fetch_polars(con, "SELECT status FROM alerts.events WHERE event_id = ?", [EVENT])["status"]
    ledger = set(fetch_polars(con, "SELECT status FROM alerts.ledger WHERE event_id = ?", [EVENT])["status"])
    assert len(ledger) == 1, ledger  # every recipient's row says the same
    return event, ledger.pop()


def test_issue_lift_retract_keeps_every_row_and_ends_retracted(tmp_path):
    with write_connection(tmp_path / "w.duckdb") as con:
        assert step(con, day(0), [warn("orange")])[0] == [("issued", "orange")]
        assert step(con, day(1), [])[0] == [("lifted", "orange")]
        assert status(con) == ("lifted", "lifted")

        rows, queued = step(con, day(0), [])  # the triggering data of D corrected: the issue was wrong
        assert rows == [("retracted", "orange")] and queued == 2
        assert log(con) == [
            (day(0), 0, "issued", "orange"),
            (day(0), 1, "retracted", "orange"),
            (day(1), 0, "lifted", "orange"),
            (day(1), 1, "void", "orange"),  # the lift of an alert that never was: withdrawn, not deleted
        ]
        assert status(con) == ("retracted", "retracted")  # the ledger said "lifted" (the latest day told)

        before = log(con)  # re-runs of both days (the propagation after the correction) add nothing
        assert step(con, day(0), []) == ([], 0) and step(con, day(1), []) == ([], 0)
        assert log(con) == before and status(con) == ("retracted", "retracted")
        told = fetch_polars(con, "SELECT status, count(*) AS n FROM alerts.notifications GROUP BY 1 ORDER BY 1")
        assert told.rows() == [("issued", 2), ("lifted", 2), ("retracted", 2)]  # what was said stays on record


def test_issue_retract_then_the_data_restored_issues_again_as_a_new_revision(tmp_path):
    with write_connection(tmp_path / "w.duckdb") as con:
        step(con, day(0), [warn("red")])
        assert step(con, day(0), [])[0] == [("retracted", "red")]
        assert status(con) == ("retracted", "retracted")
        assert step(con, day(0), []) == ([], 0)  # idempotent
        assert step(con, day(0), [warn("red")])[0] == [("issued", "red")]  # corrected back
        assert log(con) == [
            (day(0), 0, "issued", "red"),
            (day(0), 1, "retracted", "red"),
            (day(0), 2, "issued", "red"),
        ]
        assert status(con) == ("issued", "issued")


def test_an_alert_ended_by_a_rerun_of_an_earlier_day_leaves_a_void_revision_not_a_gap(tmp_path):
    with write_connection(tmp_path / "w.duckdb") as con:
        for i in range(3):
            step(con, day(i), [warn("yellow")])  # issued, then active (no announcement)
        assert step(con, day(1), [])[0] == [("lifted", "yellow")]  # day 1 corrected: lifted there
        assert apply_day(con, day(2), [], KINDS, NOW) == []  # day 2 re-derived: the alert had ended
        assert log(con) == [
            (day(0), 0, "issued", "yellow"),
            (day(1), 0, "active", "yellow"),
            (day(1), 1, "lifted", "yellow"),
            (day(2), 0, "active", "yellow"),
            (day(2), 1, "void", "yellow"),
        ]
        assert status(con) == ("lifted", "lifted")
        assert apply_day(con, day(2), [], KINDS, NOW) == [] and len(log(con)) == 5


def test_a_warehouse_keyed_by_day_is_migrated_with_its_rows(tmp_path):
    path = tmp_path / "old.duckdb"
    con = duckdb.connect(str(path))
    con.execute("CREATE SCHEMA alerts")
    con.execute(
        "CREATE TABLE alerts.event_log (event_id VARCHAR NOT NULL, day DATE NOT NULL, kind VARCHAR NOT NULL, "
        "subject VARCHAR NOT NULL, status VARCHAR NOT NULL, level VARCHAR NOT NULL, level_rank INTEGER NOT NULL, "
        "title_zh VARCHAR NOT NULL, title_en VARCHAR NOT NULL, evidence JSON NOT NULL, standard VARCHAR NOT NULL, "
        "data_status VARCHAR NOT NULL, capture_pct DOUBLE, recipients JSON NOT NULL, revision INTEGER NOT NULL, "
        "message_id VARCHAR, evaluated_at TIMESTAMP NOT NULL, PRIMARY KEY (event_id, day))"
    )
    con.execute(
        f"INSERT INTO alerts.event_log VALUES ('{EVENT}', DATE '{D}', 'area_warning', '自贡', 'issued', 'orange', 3, "
        "'t', 't', '{}', 's', 'forecast', NULL, '[]', 0, NULL, TIMESTAMP '2026-01-11 09:00')"
    )
    ensure_schema(con)
    key = con.execute(
        "SELECT constraint_column_names FROM duckdb_constraints() WHERE table_name = 'event_log' "
        "AND constraint_type = 'PRIMARY KEY'"
    ).fetchone()[0]
    assert list(key) == ["event_id", "day", "revision"]
    assert con.execute("SELECT event_id, status FROM alerts.events").fetchall() == [(EVENT, "issued")]
    con.close()

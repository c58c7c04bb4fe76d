"""The alert lifecycle on hand-made candidates: issue, upgrade, lift, idempotent re-runs, retraction."""

import datetime as dt

from assets.alerts.notify.announce import announce
from assets.alerts.notify.contacts import load_contacts
from assets.alerts.notify.notify_rules import NotifyRules
from assets.alerts.rules.candidates import Candidate, area_places
from assets.alerts.rules.lifecycle import apply_day
from assets.alerts.rules.rules_config import load_rules
from warehouse.connection import fetch_polars, write_connection

D = dt.date(2026, 1, 10)
NOW = dt.datetime(2026, 1, 11, 9)
KINDS = {"area_warning"}
RULES = load_rules()
NOTIFY = NotifyRules.from_rules(RULES)


def warn(level, area="自贡"):
    return Candidate(
        "area_warning",
        area,
        level,
        "重污染天气预警",
        "heavy air pollution warning",
        [area],
        RULES.recipients.selectors("area_warning", area_places(area)),
        [{"day": str(D), "aqi": 250}],
    )


def step(con, day, cands):
    rows = apply_day(con, day, cands, KINDS, NOW)
    queued = announce(con, rows, load_contacts(), ["alerts.events"], NOW, NOTIFY)
    return [(r["status"], r["level"]) for r in rows], queued


def test_issue_upgrade_lift_and_reruns_never_resend(tmp_path):
    with write_connection(tmp_path / "w.duckdb") as con:
        day = lambda i: D + dt.timedelta(days=i)  # noqa: E731
        assert step(con, day(0), [warn("yellow")]) == ([("issued", "yellow")], 2)  # area office + joint office
        assert step(con, day(0), [warn("yellow")]) == ([], 0)  # re-run: nothing
        assert step(con, day(1), [warn("yellow")]) == ([], 0)  # unchanged: no e-mail
        assert step(con, day(2), [warn("orange")]) == ([("upgraded", "orange")], 2)
        assert step(con, day(2), [warn("orange")]) == ([], 0)
        assert step(con, day(3), []) == ([("lifted", "orange")], 2)
        assert step(con, day(3), []) == ([], 0)
        assert step(con, day(4), []) == ([], 0)
        events = fetch_polars(con, "SELECT * FROM alerts.events")
        assert events.height == 1
        e = events.row(0, named=True)
        assert (e["event_id"], e["status"], e["first_seen"], e["last_seen"]) == (
            "area_warning/自贡/2026-01-10",
            "lifted",
            day(0),
            day(2),
        )
        told = fetch_polars(
            con, "SELECT status, channel, count(*) AS n FROM alerts.notifications GROUP BY ALL ORDER BY ALL"
        )
        # the yellow issue waits for the digest; the upgrade to orange is mailed at once, and so is its lift
        assert told.rows() == [("issued", "digest", 2), ("lifted", "immediate", 2), ("upgraded", "immediate", 2)]
        assert fetch_polars(con, "SELECT count(*) AS n FROM alerts.deliveries")["n"][0] == 4


def test_rerun_without_the_trigger_retracts(tmp_path):
    with write_connection(tmp_path / "w.duckdb") as con:
        assert step(con, D, [warn("orange")])[0] == [("issued", "orange")]
        assert step(con, D + dt.timedelta(days=1), [warn("orange")])[0] == []
        rows, queued = step(con, D, [])  # the triggering data of D were invalidated
        assert rows == [("retracted", "orange")] and queued == 2
        e = fetch_polars(con, "SELECT * FROM alerts.events").row(0, named=True)
        assert e["status"] == "retracted"
        subject = fetch_polars(con, "SELECT subject FROM alerts.messages ORDER BY created_at")["subject"].to_list()
        assert len(subject) == 4  # an orange issue and its retraction, each at once to the office and the joint office
        assert any(s.startswith("【川南渝西联合预警】撤回 橙色 重污染天气预警 — 自贡") for s in subject)
        assert step(con, D, [])[0] == []  # retracting twice sends nothing more
        assert fetch_polars(con, "SELECT status FROM alerts.events")["status"].to_list() == ["retracted"]


def test_other_kinds_are_left_alone(tmp_path):
    with write_connection(tmp_path / "w.duckdb") as con:
        step(con, D, [warn("yellow")])
        assert apply_day(con, D + dt.timedelta(days=1), [], {"river_exceedance"}, NOW) == []
        assert fetch_polars(con, "SELECT status FROM alerts.events")["status"].to_list() == ["issued"]

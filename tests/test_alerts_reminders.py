"""The digest's reminders (immediate alerts not yet acknowledged) leave out an alert a correction retracted: nobody
is asked to acknowledge a warning that was withdrawn."""

import datetime as dt

import pytest

from assets.alerts.evaluate import evaluate_day
from assets.alerts.notify.contacts import load_contacts
from assets.alerts.notify.digest import compose_due_digests
from assets.alerts.notify.notify_rules import NotifyRules
from assets.alerts.rules.rules_config import load_rules
from tests.alerts_scenario import prepare
from tests.test_alerts_chinese_text import NOW, D, air_day
from warehouse.connection import fetch_polars, write_connection

RECIPIENT = "air.zigong@example.cn"
EVENT = "area_warning/自贡/2026-01-20"
LATER = NOW + dt.timedelta(days=2)  # past the reminder delay (rules.yaml: 24 h), within its period (7 days)


def reminded(con) -> int:
    """How many alerts the digests composed at LATER remind ``RECIPIENT`` of (the section 待确认的即时预警)."""
    compose_due_digests(con, load_contacts(), NotifyRules.from_rules(load_rules()), LATER)
    digests = fetch_polars(con, "SELECT reminders, message_id FROM alerts.digests WHERE recipient = ?", [RECIPIENT])
    texts = fetch_polars(
        con,
        "SELECT body_text FROM alerts.messages WHERE list_contains(?, message_id)",
        [digests["message_id"].to_list()],
    )
    listed = sum(("待确认的即时预警" in t and f"envmon ack {EVENT}" in t.replace("'", "")) for t in texts["body_text"])
    assert listed == (digests["reminders"].sum() > 0)  # the count recorded is what the mail lists
    return int(digests["reminders"].sum())


@pytest.mark.parametrize("corrected", [False, True], ids=["in force", "retracted"])
def test_a_retracted_alert_is_not_reminded(tmp_path, corrected):
    db = tmp_path / "w.duckdb"
    prepare(db)
    with write_connection(db) as con:
        air_day(con, 236, [260, 320, 280])  # orange, mailed at once
        evaluate_day(con, D, load_rules(), load_contacts(), NOW, ["test"])
        if corrected:
            air_day(con, 150, [120, 130, 110])
            changes = evaluate_day(con, D, load_rules(), load_contacts(), NOW, ["test"]).changes
            assert [r["status"] for r in changes] == ["retracted"]
        status = fetch_polars(con, "SELECT status FROM alerts.events WHERE event_id = ?", [EVENT])["status"]
        assert status.to_list() == (["retracted"] if corrected else ["issued"])
        assert reminded(con) == (0 if corrected else 1)

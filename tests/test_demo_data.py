"""Generated data says so (assets/demo.py): the river source follows the air source, production refuses the
generator, and an alert, a digest or a report made from generated readings is marked 演示数据 / demo data, while one
made from real readings is not."""

import datetime as dt
from pathlib import Path

import pytest

from assets.alerts.evaluate import LOOKBACK_DAYS
from assets.alerts.notify.announce import announce
from assets.alerts.notify.contacts import EXAMPLE_FILE, load_contacts
from assets.alerts.notify.digest import compose_due_digests
from assets.alerts.notify.notify_rules import NotifyRules
from assets.alerts.rules.lifecycle import apply_day
from assets.alerts.rules.rules_config import load_rules
from assets.demo import MARK, NOTICE, mark_alerts, period_generated, production_refusal
from assets.ingest.batches import record_batch
from assets.reports.build import build_report
from assets.reports.html import render_html
from assets.reports.mail import queue_report_mail
from assets.reports.period import ReportPeriod
from assets.reports.tables import ReportTables
from assets.settings import EnvmonSettings
from tests.reports.daily_fixture import build_statistics, daily_rows, month_days
from tests.test_alerts_notify import river, warn
from warehouse.connection import fetch_polars, write_connection
from warehouse.schema import ensure_schema

D = dt.date(2026, 1, 10)
NOW = dt.datetime(2026, 1, 11, 9)
NOTIFY = NotifyRules.from_rules(load_rules())
CONTACTS = load_contacts()


@pytest.mark.parametrize(
    "environ, air, water",
    [
        ({}, "generator", "generator"),  # a workstation's offline demo: both generated
        ({"ENVMON_AIR_SOURCE": "archive"}, "archive", "landing"),  # real air never brings generated rivers
        ({"ENVMON_AIR_SOURCE": "livefeed", "ENVMON_WATER_SOURCE": " "}, "livefeed", "landing"),
        ({"ENVMON_AIR_SOURCE": "archive", "ENVMON_WATER_SOURCE": "generator"}, "archive", "generator"),  # asked for
    ],
)
def test_the_river_source_defaults_to_the_generator_only_beside_a_generated_air_source(environ, air, water):
    settings = EnvmonSettings.from_env(environ)
    assert (settings.air_source, settings.water_source) == (air, water)
    # the command line's --source decides as the variable would
    assert EnvmonSettings.from_env({}, air_source="archive").water_source == "landing"


def test_production_refuses_each_generated_source_by_its_setting_and_nothing_else():
    both, river_only = EnvmonSettings.from_env({}), EnvmonSettings.from_env({"ENVMON_WATER_SOURCE": "generator"})
    assert production_refusal(both, "local") is None
    line = production_refusal(both, "production")
    assert "ENVMON_AIR_SOURCE" in line and "ENVMON_WATER_SOURCE=landing" in line and "\n" not in line
    river_only = EnvmonSettings.from_env({"ENVMON_AIR_SOURCE": "archive", "ENVMON_WATER_SOURCE": "generator"})
    line = production_refusal(river_only, "production")
    assert "as river source" in line and "ENVMON_AIR_SOURCE" not in line
    real = EnvmonSettings.from_env({"ENVMON_AIR_SOURCE": "archive"})
    assert production_refusal(real, "production") is None


def generated_rivers(con, days=(D,)):
    """The river readings of ``days`` came from the generator; the air readings from the archive."""
    for day in days:
        record_batch(con, "water_readings", "generator", day, f"w{day}", Path("w.parquet"), 6, 6, 0, received_at=NOW)
        record_batch(con, "air_hourly", "archive", day, f"a{day}", Path("a.parquet"), 24, 24, 0, received_at=NOW)


def mails(con):
    return fetch_polars(
        con,
        "SELECT m.mail_kind, m.subject, m.body_text, m.body_html, d.recipient FROM alerts.messages m "
        "JOIN alerts.deliveries d USING (message_id) ORDER BY d.recipient, m.mail_kind",
    )


def test_an_alert_made_from_generated_readings_says_so_first_and_a_real_one_does_not(tmp_path):
    with write_connection(tmp_path / "w.duckdb") as con:
        generated_rivers(con, [D - dt.timedelta(days=3)])  # within the rules' look-back of D
        rows = apply_day(
            con, D, [river("river_incident", "LXH03"), warn("orange")], {"river_incident", "area_warning"}, NOW
        )
        marked = {r["kind"]: r["demo"] for r in mark_alerts(con, rows, LOOKBACK_DAYS)}
        assert marked == {"river_incident": True, "area_warning": False}  # the air readings were real
        announce(con, mark_alerts(con, rows, LOOKBACK_DAYS), CONTACTS, ["test"], NOW, NOTIFY)
        out = mails(con)
    river_mail = out.filter(out["subject"].str.contains("劣V类"))
    air_mail = out.filter(out["subject"].str.contains("橙色"))
    assert river_mail.height and air_mail.height
    for subject, text, page in river_mail.select("subject", "body_text", "body_html").iter_rows():
        assert subject.startswith(MARK) and text.splitlines()[0] == NOTICE, (subject, text[:200])
        assert page.index("演示数据") < page.index("劣V类")  # the HTML part says it before anything else
    assert not any(MARK in s or "演示数据" in t for s, t in air_mail.select("subject", "body_text").iter_rows())


def test_a_digest_holding_a_generated_change_is_marked_and_readings_long_before_do_not_count(tmp_path):
    with write_connection(tmp_path / "w.duckdb") as con:
        generated_rivers(con, [D - dt.timedelta(days=LOOKBACK_DAYS + 1)])  # outside the look-back: not behind D
        rows = apply_day(con, D, [river("river_exceedance", "LXH02", border=False)], {"river_exceedance"}, NOW)
        assert [r["demo"] for r in mark_alerts(con, rows, LOOKBACK_DAYS)] == [False]
        generated_rivers(con, [D])
        con.execute("INSERT INTO alerts.evaluations VALUES (?, ?, '{}')", [D, NOW])
        announce(con, rows, CONTACTS, ["test"], NOW, NOTIFY)  # a digest change: marked when the digest is composed
        assert compose_due_digests(con, CONTACTS, NOTIFY, dt.datetime(2026, 1, 11, 10, 0))
        out = mails(con)
    assert set(out["mail_kind"]) == {"digest"}
    assert all(s.startswith(MARK) and t.startswith(NOTICE) for s, t in out.select("subject", "body_text").iter_rows())


def test_the_report_title_block_names_the_generated_data_of_its_period(tmp_path):
    period = ReportPeriod.month(2026, 1)
    with write_connection(tmp_path / "w.duckdb") as con:
        assert period_generated(con, period.start, period.end) == []
        generated_rivers(con, [dt.date(2025, 12, 31)])  # the month before: not this report's
        assert period_generated(con, period.start, period.end) == []
        generated_rivers(con)
        generated = period_generated(con, period.start, period.end)
    assert generated == ["water_readings"]
    assert "演示数据" not in render_html(ReportTables(period), {}, NOW)
    page = render_html(ReportTables(period, generated=generated), {}, NOW)
    assert page.index("演示数据") < page.index("统计期") and "water_readings" in page
    assert f"<h1>{MARK}" in page


def test_a_report_of_a_period_with_generated_data_is_built_and_mailed_marked(tmp_path):
    con = build_statistics(daily_rows("S1", month_days(2026, 1)))
    ensure_schema(con)
    record_batch(con, "air_hourly", "generator", D, "a", Path("a.parquet"), 24, 24, 0, received_at=NOW)
    out = build_report(con, ReportPeriod.month(2026, 1), tmp_path / "reports")
    assert queue_report_mail(con, out, EXAMPLE_FILE) == 1
    subject, text = con.execute("SELECT subject, body_text FROM alerts.messages").fetchall()[0]
    assert subject.startswith(MARK) and "2026年1月" in subject and text.startswith(NOTICE)
    assert f"<h1>{MARK}" in out.html.read_text(encoding="utf-8")

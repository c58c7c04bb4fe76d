"""The alert pages' data (预警详情) and the mails' links to the status page (ENVMON_PUBLIC_URL), without a browser:
an alert issued, lifted and retracted on a small warehouse, then its page's JSON; the alert mail and the digest with
and without the address."""

import datetime as dt
import json

import pytest

from assets.alerts.ledger.ledger import refresh_ledger
from assets.alerts.mail.digest_render import render_digest
from assets.alerts.mail.email_render import RETRACTION_REASON, render_alert_mail, status_url
from assets.alerts.notify.announce import notification_for
from assets.sql_models.models import load_seed
from status_page.alert_pages import build_alerts, file_name, write_alert_pages
from status_page.build import replace_file
from tests.test_alerts_lifecycle import D, step, warn
from warehouse.connection import fetch_polars, write_connection

BASE = "https://envmon.example.gov.cn/status/"
ID = f"area_warning/自贡/{D}"


@pytest.fixture
def warehouse(tmp_path):
    with write_connection(tmp_path / "w.duckdb") as con:
        load_seed(con, "areas")
        load_seed(con, "water_sections")
        step(con, D, [warn("orange")])  # issued (mailed at once: area office and joint office)
        step(con, D + dt.timedelta(days=1), [warn("orange")])  # a quiet day: not in the lifecycle
        step(con, D + dt.timedelta(days=2), [])  # lifted
        step(con, D, [])  # the triggering data of D corrected away: retracted, the lift void
        refresh_ledger(con, [ID])  # as the alerts/ledger step does; the acknowledgement comes after it
        con.execute(
            "INSERT INTO alerts.acknowledgements VALUES (?, 'air.zigong@example.cn', '自贡', ?, 'seen')",
            [ID, dt.datetime(2026, 1, 11, 10)],
        )
        yield con


def test_the_page_of_a_retracted_alert_tells_its_whole_lifecycle(warehouse):
    page = build_alerts(warehouse)[ID]
    assert page["status"] == "retracted" and not page["in_force"] and page["status_words"][0] == "撤回"
    assert page["area"] == "自贡" and page["province"] == "四川" and page["first_seen"] == str(D)
    assert page["retraction_reason"] == list(RETRACTION_REASON)  # the mail's own words
    assert [(c["day"], c["revision"], c["status"], c["current"]) for c in page["lifecycle"]] == [
        (str(D), 0, "issued", False),  # superseded by the retraction of the same day
        (str(D), 1, "retracted", True),
        (str(D + dt.timedelta(days=2)), 0, "lifted", False),
        (str(D + dt.timedelta(days=2)), 1, "void", True),
    ]
    assert page["lifecycle"][1]["summary_zh"].startswith("撤回原因：")
    assert page["lifecycle"][0]["told"] == 2 and page["lifecycle"][0]["told_at_once"] == 2
    # who was told: the ledger's recipients by name and role, and the acknowledgement recorded after it
    told = {t["name"]: t for t in page["told"]}
    assert len(told) == len(page["told"]) >= 2
    acked = [t for t in page["told"] if t["acknowledged_at"]]
    assert [(t["role"], t["acknowledged_at"], t["ack_note"]) for t in acked] == [
        ("area_air_office", "2026-01-11 10:00", "seen")
    ]
    assert "@" not in json.dumps(page["told"], ensure_ascii=False)  # names and roles, never addresses


def test_one_file_per_alert_named_so_the_page_finds_it_and_stale_ones_removed(warehouse, tmp_path):
    folder = tmp_path / "status"
    (folder / "alerts").mkdir(parents=True)
    (folder / "alerts" / "stale.json").write_text("{}")
    assert write_alert_pages(warehouse, folder, replace_file) == 1
    (path,) = (folder / "alerts").iterdir()
    assert path.name == file_name(ID) == ID.encode().hex() + ".json"  # alert.js: TextEncoder, then hex
    assert json.loads(path.read_text(encoding="utf-8"))["event_id"] == ID
    stamp = path.stat().st_mtime_ns
    write_alert_pages(warehouse, folder, replace_file)
    assert path.stat().st_mtime_ns == stamp  # unchanged: not rewritten


def mail_row(con) -> dict:
    return fetch_polars(con, "SELECT * FROM alerts.event_log WHERE status = 'issued'").row(0, named=True)


def test_with_a_public_url_the_alert_mail_links_to_its_page_in_both_parts(warehouse):
    n = notification_for(mail_row(warehouse), ["Dagster run x"], public_url=BASE.rstrip("/"))
    link = f"{BASE}alert.html?id=area_warning%2F%E8%87%AA%E8%B4%A1%2F{D}"
    assert n.page_url == link
    mail = render_alert_mail([n])
    assert mail.text.count(link) == 2  # the Chinese block and the English one
    assert f'<a href="{link}"' in mail.html


def test_without_a_public_url_the_alert_mail_stays_as_it_was(warehouse):
    n = notification_for(mail_row(warehouse), ["warehouse: SELECT * FROM alerts.events  (envmon query, …)"])
    mail = render_alert_mail([n])
    assert n.page_url == "" and "alert.html" not in mail.text + mail.html and "<a " not in mail.html
    assert "envmon query" in mail.text


def test_the_digest_links_to_the_overview_instead_of_envmon_query(warehouse):
    note = notification_for(mail_row(warehouse), [])
    linked = render_digest(D, "joint@example.cn", [note], {}, [], {}, public_url=BASE)
    assert BASE in linked.text and f'<a href="{BASE}"' in linked.html
    assert "envmon query" not in linked.text and "published snapshot" not in linked.html
    plain = render_digest(D, "joint@example.cn", [note], {}, [], {})
    assert "envmon query" in plain.text and "http" not in plain.text and "<a " not in plain.html


@pytest.mark.parametrize("bad", ["envmon.example.gov.cn/status", "ftp://x/", 'https://x/"><script>'])
def test_a_public_url_that_is_not_an_address_is_refused_naming_the_setting(bad):
    with pytest.raises(ValueError, match="ENVMON_PUBLIC_URL is .* expected the status page's address"):
        status_url(bad, ID)


def test_envmon_run_ends_with_where_to_open_the_page(data_dir, monkeypatch):
    from pipelines.commands.run import where_to_open
    from warehouse.paths import DataPaths

    assert "not built" in where_to_open() and "envmon status" in where_to_open()
    folder = DataPaths(data_dir).status_page
    folder.mkdir(parents=True)
    (folder / "index.html").write_text("<p>看板</p>", encoding="utf-8")
    monkeypatch.setenv("ENVMON_STATUS_PORT", "8099")
    assert "make status   then http://127.0.0.1:8099/" in where_to_open() and "ENVMON_PUBLIC_URL" not in where_to_open()
    monkeypatch.setenv("ENVMON_PUBLIC_URL", BASE)
    assert where_to_open().endswith(f"as staff open it (ENVMON_PUBLIC_URL): {BASE}")

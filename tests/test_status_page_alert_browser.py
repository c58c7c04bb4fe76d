"""The alert page (预警详情) in headless Chromium, reached as officials reach it: a river alert raised by `envmon
ingest` of a monitoring-centre file (class V at the 濑溪河 border section), shown in force on the overview, linked
from its e-mail (captured by a real SMTP server on 127.0.0.1, ENVMON_PUBLIC_URL set to the page's address), then
retracted by the centre's corrected file: gone from the alerts in force, its page showing the retraction and 撤回原因.
No request leaves the server; nothing overflows a 390×844 phone screen. Screenshots: tests/artifacts/status_alert/."""

import re

import pytest

from pipelines.cli import main as envmon
from tests.browser import artifacts, browser_page, need_chromium
from tests.smtp_server import SmtpServer, free_port
from tests.status_page_site import served
from tests.water.test_water_file_alerts import FILE_DAY, border_file

# `envmon run` and two `envmon ingest` in-process, an SMTP server, the page served and Chromium
pytestmark = [pytest.mark.pipeline, pytest.mark.browser, pytest.mark.server, pytest.mark.subprocess]

# one generated day, compliant at the border (as in test_water_file_alerts); the file's day is the last one run,
# so that its alert is still in force on the overview
DAYS = [FILE_DAY]
ALERT_ID = f"river_exceedance/LXH05/{FILE_DAY}"
LINK = re.compile(r'<a href="([^"]+alert\.html\?id=[^"]+)"')


def in_force(page) -> list[str]:
    return page.evaluate("[...document.querySelectorAll('#alerts li[data-event-id]')].map(li => li.dataset.eventId)")


def opened(page, url: str) -> None:
    page.goto(url)
    page.wait_for_selector("body[data-ready]")
    assert page.evaluate("document.body.dataset.ready") == "true", page.inner_text("h1, h2")


def alert_mails(inbox, retraction: bool) -> list:
    """The immediate mails that issued (or retracted) the border section's alert."""
    out = []
    for r in inbox.received:
        subject = str(r["message"]["Subject"])
        if str(r["message"]["X-Envmon-Kind"]) == "alert" and "泸县入境" in subject and "解除" not in subject:
            if ("撤回" in subject) == retraction:
                out.append(r["message"])
    return out


@pytest.fixture(scope="module")
def story(tmp_path_factory):
    """The run, the class V file, the corrected file; the page and the mails after each step."""
    need_chromium()
    root = tmp_path_factory.mktemp("status_alert")
    data_dir, port = root / "data", free_port()
    base = f"http://127.0.0.1:{port}/"
    smtp = SmtpServer(root, free_port()).start()
    shots = artifacts("status_alert")
    seen = {"requests": []}
    with pytest.MonkeyPatch.context() as mp:
        env = {
            "ENVMON_DATA_DIR": str(data_dir),
            "DAGSTER_HOME": str(data_dir / "dagster"),
            "ENVMON_PUBLIC_URL": base,
            "ENVMON_SMTP_HOST": "127.0.0.1",
            "ENVMON_SMTP_PORT": str(smtp.port),
            "ENVMON_SMTP_SECURITY": "starttls",
            "ENVMON_SMTP_USER": smtp.user,
            "ENVMON_SMTP_PASSWORD": smtp.password,
            "ENVMON_SMTP_CA_FILE": str(smtp.cert),
        }
        for k, v in env.items():
            mp.setenv(k, v)
        try:
            assert envmon(["run", "--start", str(DAYS[0]), "--end", str(DAYS[-1])]) == 0
            assert envmon(["ingest", str(border_file(root / "泸县入境.csv", 0.36))]) == 0  # TP: class V
            assert envmon(["ack", ALERT_ID, "--by", "joint.office@example.cn", "--note", "已阅"]) == 0
            with served(data_dir / "status", port) as url, browser_page() as page:
                page.on("request", lambda r: seen["requests"].append(r.url))
                opened(page, url)
                seen["in_force_after_file"] = in_force(page)
                page.screenshot(path=shots / "1_overview_class_v.png", full_page=True)
                page.click(f"#alerts li[data-event-id='{ALERT_ID}'] a")  # the overview's link to its page
                page.wait_for_selector("body[data-ready]")
                seen["page_after_file"] = page.inner_text("main")
                seen["acknowledged"] = page.evaluate(  # `envmon ack` refreshed the page at once
                    "[...document.querySelectorAll('#told tbody tr[data-acknowledged=yes]')].map(tr => tr.innerText)"
                )
                page.screenshot(path=shots / "2_alert_issued.png", full_page=True)
            assert envmon(["ingest", str(border_file(root / "泸县入境_更正.csv", 0.05))]) == 0  # the correction
        finally:
            smtp.stop()
        yield {"base": base, "port": port, "folder": data_dir / "status", "inbox": smtp.inbox, "shots": shots} | seen


def test_a_class_v_file_shows_the_river_alert_and_the_corrected_file_retracts_it(story):
    assert ALERT_ID in story["in_force_after_file"]
    assert "濑溪河" in story["page_after_file"] and "LXH05" in story["page_after_file"]
    assert "生效中 in force" in story["page_after_file"] and "V类" in story["page_after_file"]
    (acknowledged,) = story["acknowledged"]
    assert "川南渝西联合办公室" in acknowledged and "已阅" in acknowledged and "@" not in acknowledged
    with served(story["folder"], story["port"]) as url, browser_page() as page:
        page.on("request", lambda r: story["requests"].append(r.url))
        opened(page, url)
        assert ALERT_ID not in in_force(page)  # retracted: no longer in force
        page.screenshot(path=story["shots"] / "3_overview_corrected.png", full_page=True)
        opened(page, f"{url}alert.html?id={ALERT_ID}")  # the id as the mails print it, unencoded
        page.screenshot(path=story["shots"] / "4_alert_retracted.png", full_page=True)
        assert page.inner_text("#state").startswith("已结束 ended：撤回")
        assert page.inner_text("#summary").startswith("撤回原因：") and "撤回原因：" in page.inner_text("#lifecycle")
        steps = page.evaluate(
            "[...document.querySelectorAll('#lifecycle li')].map(li => [li.dataset.status, li.className])"
        )
        assert steps[:2] == [["issued", "superseded"], ["retracted", ""]]  # the issue kept, withdrawn by the correction
    outside = [r for r in story["requests"] if not r.startswith(story["base"]) and not r.startswith("data:")]
    assert outside == []


def test_the_alert_mail_links_to_its_page_with_its_lifecycle(story):
    issued, retracted = alert_mails(story["inbox"], False), alert_mails(story["inbox"], True)
    assert len(issued) >= 3 and len(retracted) >= 3  # the river chiefs of both provinces and the joint office
    link = f"{story['base']}alert.html?id=river_exceedance%2FLXH05%2F{FILE_DAY}"
    for msg in (issued[0], retracted[0]):
        html = msg.get_body(("html",)).get_content()
        text = msg.get_body(("plain",)).get_content()
        assert link in LINK.findall(html)
        assert text.count(link) == 2 and "envmon query" not in text  # the link replaces the advice
    requests = []
    with served(story["folder"], story["port"]), browser_page() as page:
        page.on("request", lambda r: requests.append(r.url))
        opened(page, link)  # the link exactly as the mail has it
        assert page.evaluate("document.title").startswith("断面持续超标")
        assert ALERT_ID in page.inner_text("#facts")
        statuses = page.evaluate("[...document.querySelectorAll('#lifecycle li')].map(li => li.dataset.status)")
        assert statuses[:2] == ["issued", "retracted"]
        told = page.evaluate("document.querySelectorAll('#told tbody tr[data-acknowledged]').length")
        assert told >= 3
        page.screenshot(path=story["shots"] / "5_from_the_mail.png", full_page=True)
    assert [r for r in requests if not r.startswith(story["base"]) and not r.startswith("data:")] == []
    assert page.failed_requests == []


def test_the_alert_page_fits_a_phone_screen(story):
    with served(story["folder"], story["port"]) as url, browser_page(width=390, height=844) as page:
        opened(page, f"{url}alert.html?id={ALERT_ID}")
        page.screenshot(path=story["shots"] / "6_alert_390.png", full_page=True)
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
        wide = page.evaluate(
            "[...document.querySelectorAll('body *')].filter(e => e.getBoundingClientRect().right > 390.5)"
            ".map(e => e.tagName + '#' + e.id + '.' + e.className)"
        )
        assert wide == []

"""Alert mail as recipients get it: through a real SMTP server on 127.0.0.1 (STARTTLS, login), with the configured
sender and a +0800 Date, and its HTML part opened in a real browser (Debian's headless Chromium) and screenshotted.

The generator's November 2025 episode (seed 2023): on the 3rd 自贡 is under a red warning and the region under a
yellow one (both mailed at once, in one mail to the joint office), seven areas under yellow warnings (the digest).
"""

import datetime as dt
import re
import subprocess
from functools import partial
from pathlib import Path

import numpy as np
import pytest
from matplotlib import image as mpimg

from assets.alerts.dispatch import dispatch
from assets.alerts.mail.transport import SmtpSettings, SmtpTransport
from assets.alerts.notify.contacts import load_contacts
from assets.alerts.notify.notify_rules import NotifyRules
from assets.alerts.rules.rules_config import load_rules
from tests.alerts_scenario import prepare, run_day
from tests.smtp_server import SmtpServer, free_port
from warehouse.connection import write_connection

pytestmark = [pytest.mark.subprocess, pytest.mark.server]

CHROMIUM = Path("/usr/bin/chromium")
DAYS = [dt.date(2025, 11, 3), dt.date(2025, 11, 4)]
# a delivery pass two days after the immediate mails were queued (tests.alerts_scenario.NOW): the days' digests are
# due, and the latest digest (of 2026-01-02: not evaluated, composed a day late) reminds of the immediate alerts
# nobody acknowledged
LATER = dt.datetime(2026, 1, 3, 10, 30)
SENDER = "川南渝西联合办公室 <alerts@example.cn>"


@pytest.fixture(scope="module")
def received(tmp_path_factory):
    folder = tmp_path_factory.mktemp("mail")
    db = folder / "w.duckdb"
    prepare(db)
    for day in DAYS:
        run_day(db, day)
    server = SmtpServer(folder, free_port()).start()
    try:
        smtp = SmtpSettings(
            host="127.0.0.1",
            port=server.port,
            security="starttls",
            user=server.user,
            password=server.password,
            ca_file=str(server.cert),
            timeout=5,
            mail_from=SENDER,
        )
        out = dispatch(
            partial(write_connection, db),
            load_contacts(),
            NotifyRules.from_rules(load_rules()),
            SmtpTransport(smtp),
            smtp.mail_from,
            lambda: LATER,
        )
    finally:
        server.stop()
    assert out.digests > 0 and out.delivery.errors == []
    return {
        r["message"]["To"].addresses[0].addr_spec
        + "|"
        + str(r["message"]["X-Envmon-Kind"])
        + "|"
        + str(r["message"]["X-Envmon-Day"]): r["message"]
        for r in server.inbox.received
    }


def test_the_configured_sender_a_cst_date_and_the_kind_of_mail(received):
    for msg in received.values():
        assert msg["From"].addresses[0].addr_spec == "alerts@example.cn"
        assert msg["From"].addresses[0].display_name == "川南渝西联合办公室"
        assert msg["Date"].endswith("+0800")
        assert str(msg["X-Envmon-Kind"]) in ("alert", "digest") and re.fullmatch(
            r"[0-9a-f ]*", str(msg["X-Envmon-Changes"])
        )
    immediate = received["joint.office@example.cn|alert|2025-11-03"]
    assert str(immediate["Subject"]).startswith(  # generated data: the demo mark first (assets/demo.py)
        "【演示数据 demo data】【川南渝西联合预警】2项预警 — 红色 重污染天气预警 — 自贡；黄色 区域重污染天气联合预警"
    )
    digest = received["joint.office@example.cn|digest|2025-11-03"]
    assert str(digest["Subject"]).startswith(
        "【演示数据 demo data】【川南渝西联合预警】每日摘要 daily digest 2025-11-03 — 7项变化"
    )
    assert "air.zigong@example.cn|digest|2025-11-03" not in received  # 自贡's only change was mailed at once


def test_the_latest_digest_lists_the_unacknowledged_immediate_alerts(received):
    reminder = received["joint.office@example.cn|digest|2026-01-02"]
    assert "1项待确认" not in str(reminder["Subject"]) and "项待确认 to acknowledge" in str(reminder["Subject"])
    text = reminder.get_body(("plain",)).get_content()
    assert "■ 待确认的即时预警 / immediate alerts not yet acknowledged" in text
    assert "envmon ack area_warning/自贡/2025-11-03 --by joint.office@example.cn" in text.replace("'", "")
    assert "air.neijiang@example.cn|digest|2026-01-02" in received  # its orange upgrade of the 4th


def _chromium(*args: str, profile: Path) -> subprocess.CompletedProcess:
    flags = [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        f"--user-data-dir={profile}",
    ]
    return subprocess.run([str(CHROMIUM), *flags, *args], capture_output=True, text=True, timeout=120)


def _colour_pixels(png: Path, hex_colour: str) -> int:
    pixels = (mpimg.imread(png)[..., :3] * 255).round().astype(int)
    rgb = np.array([int(hex_colour[i : i + 2], 16) for i in (1, 3, 5)])
    return int((np.abs(pixels - rgb).sum(axis=-1) <= 12).sum())


@pytest.mark.skipif(not CHROMIUM.exists(), reason="needs /usr/bin/chromium (.ci/system-packages installs it)")
@pytest.mark.parametrize(
    "which, colour, words",
    [
        (
            "joint.office@example.cn|alert|2025-11-03",
            "#d7191c",
            ["已发送 / sent to:", "四川：", "重庆：", "envmon ack"],
        ),
        ("joint.office@example.cn|digest|2025-11-03", "#2c7fb8", ["每日摘要 2025-11-03", "重污染天气预警", "黄色"]),
    ],
)
def test_the_html_part_renders_in_headless_chromium(received, tmp_path, which, colour, words):
    page = tmp_path / "mail.html"
    page.write_text(received[which].get_body(("html",)).get_content(), encoding="utf-8")
    dom = _chromium("--dump-dom", page.as_uri(), profile=tmp_path / "p1")
    text = re.sub(r"<[^>]+>", "", dom.stdout)
    assert all(w in text for w in words), f"missing words; chromium said: {dom.stderr[-1000:]}"
    shot = tmp_path / "mail.png"
    _chromium("--window-size=1100,1800", f"--screenshot={shot}", page.as_uri(), profile=tmp_path / "p2")
    assert shot.exists(), "chromium took no screenshot"
    assert _colour_pixels(shot, colour) > 300  # the red level bar (immediate), the blue section rules (digest)
    grey = (mpimg.imread(shot)[..., :3] * 255).round().astype(int).sum(axis=-1)
    assert (grey < 300).sum() > 5000  # dark text on the page: it is not blank

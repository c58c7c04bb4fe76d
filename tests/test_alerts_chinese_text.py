"""The Chinese part of every alert mail is Chinese: data status 初步/预报, the standard, the river attribution and
its share, the warnings' status; a retraction says why (撤回原因：数据更正 …) with the corrected class or AQI, and
shows the corrected data instead of the withdrawn evidence. Each mail kind is rendered from a real evaluation
(river, air warning, observed heavy pollution, outage) and its Chinese part (before "—— English ——") is checked for
the known offenders; codes and standards (PM2.5, AQI, GB 3838-2002, section codes) may stay Latin."""

import datetime as dt
import json
import re

import polars as pl
import pytest

from assets.alerts.evaluate import evaluate_day
from assets.alerts.mail.digest_render import render_digest
from assets.alerts.mail.email_render import render
from assets.alerts.notify.announce import notification_for
from assets.alerts.notify.contacts import load_contacts
from assets.alerts.rules.candidates import Candidate, area_places
from assets.alerts.rules.rules_config import load_rules
from assets.alerts.rules.warning_status import warning_status
from tests import test_alerts_outage as outage_case
from tests import test_alerts_river as river_case
from tests.alerts_scenario import build_models, prepare
from warehouse.connection import fetch_polars, write_connection

ENGLISH = "—— English ——"
# what the Chinese part said before (issue 24): English words where a Chinese reader looks for the facts
OFFENDERS = [
    "preliminary",
    "forecast",
    "single-factor",
    "target class",
    "inflow from upstream",
    "local increase",
    "national unified",
    "rule:",
    "daily AQI",
    "regional rule",
    "silence threshold",
    "table 4",
    " new",
    "72h",
]


def chinese_part(text: str) -> str:
    assert ENGLISH in text
    return text.split(ENGLISH)[0]


def english_part(text: str) -> str:
    return text.split(ENGLISH)[1]


def offenders(zh: str) -> list[str]:
    """The offenders in the Chinese part's sentences and facts (evidence tables are bilingual, Chinese first)."""
    prose = "\n".join(line for line in zh.splitlines() if " | " not in line)
    found = [word for word in OFFENDERS if word in prose]
    found += re.findall(r"\(\d+/\d+\)", prose)  # "(0/3)": a share without a word of what it counts
    return found


def mails_to(con, recipient: str, event_id: str) -> pl.DataFrame:
    return fetch_polars(
        con,
        "SELECT DISTINCT n.status, m.body_text, m.body_html, m.created_at FROM alerts.notifications n "
        "JOIN alerts.messages m USING (message_id) WHERE n.recipient = ? AND n.event_id = ? ORDER BY m.created_at",
        [recipient, event_id],
    )


# --- river ---------------------------------------------------------------------------------------------------------


@pytest.fixture
def river(tmp_path):
    with write_connection(tmp_path / "w.duckdb") as con:
        river_case.load(con, river_case.readings())
        evaluate_day(con, river_case.D, load_rules(), load_contacts(), river_case.NOW, ["test"])
        yield con


def test_the_river_mail_is_chinese_in_its_chinese_part(river):
    mail = mails_to(river, "laixi.cq@example.cn", "river_exceedance/LXH05/2026-06-10").row(0, named=True)
    zh = chinese_part(mail["body_text"])
    assert offenders(zh) == []
    assert "数据状态：初步（实时数据，未经审核）" in zh
    assert "评价依据：GB 3838-2002 单因子评价：水质类别对照断面水质目标" in zh
    assert "判定：上游来水（上游断面同期超标3/3次）" in zh
    assert "前72小时中位数" in zh  # the incident's window
    en = english_part(mail["body_text"])
    assert "Data status: preliminary" in en and "Attribution: inflow from upstream (3 of 3 upstream" in en
    assert "初步（实时数据，未经审核）" in mail["body_html"] and "preliminary" in mail["body_html"]


def test_the_river_retraction_says_why_with_the_corrected_class_and_not_the_old_evidence(river):
    corrected = river_case.readings().with_columns(
        total_phosphorus=pl.when(pl.col("total_phosphorus") > 0.2).then(None).otherwise(pl.col("total_phosphorus"))
    )
    river_case.load(river, corrected)
    evaluate_day(river, river_case.D, load_rules(), load_contacts(), river_case.NOW, ["test"])
    mails = mails_to(river, "laixi.cq@example.cn", "river_exceedance/LXH05/2026-06-10")
    mail = mails.filter(pl.col("status") == "retracted").row(0, named=True)
    zh = chinese_part(mail["body_text"])
    assert offenders(zh) == []
    block = zh[zh.index("river_exceedance/LXH05") - 800 :]  # the block of this alert, up to the next one
    assert "撤回原因：数据更正：所依据的读数已被更正、撤回或判为无效" in zh
    assert "更正后该断面当日6次可评价读数最差为II类（目标III类），均达到目标" in zh
    assert "原预警内容（已撤回，不再有效）：总磷超标3次" in zh  # what it withdraws, named as withdrawn
    assert "证据 / Evidence" not in zh and "更正后的数据 / Corrected data" in block
    rows = [line for line in zh.splitlines() if line.startswith("  2026-06-") and " | " in line]
    assert rows and all(" | II | III | —" in line for line in rows)  # the corrected readings, not class 劣V
    assert "Why retracted: Data correction" in english_part(mail["body_text"])
    assert "撤回原因" in mail["body_html"] and "更正后的数据" in mail["body_html"]
    assert "0.45" not in mail["body_html"].split("更正后的数据")[1]  # the old TP value is not shown as evidence
    # the record says why too (alerts.events, the digest of anyone not told at once)
    evidence = fetch_polars(
        river, "SELECT evidence FROM alerts.events WHERE event_id = 'river_exceedance/LXH05/2026-06-10'"
    )["evidence"][0]
    assert "II类" in json.loads(evidence)["retraction"]["reason_zh"]


# --- air warning ---------------------------------------------------------------------------------------------------

D = dt.date(2026, 1, 20)
NOW = dt.datetime(2026, 1, 21, 9)


def air_day(con, observed: int, ahead: list[int]) -> None:
    """自贡: the observed daily AQI of D and the official forecast issued on D+1 for D+1 …"""
    con.execute("DELETE FROM marts.air_area_daily")
    con.execute("DELETE FROM forecast.aqi_daily")
    con.execute(
        "INSERT INTO marts.air_area_daily (area, province, day, aqi, primary_pollutant, stations_used) "
        "VALUES ('自贡', '四川', ?, ?, 'PM2.5', 4)",
        [D, observed],
    )
    for i, aqi in enumerate(ahead, start=1):
        con.execute(
            "INSERT INTO forecast.aqi_daily (issue_date, area, target_date, aqi, source, load_partition) "
            "VALUES (?, '自贡', ?, ?, 'files', ?)",
            [D + dt.timedelta(days=1), D + dt.timedelta(days=i), aqi, D],
        )


def test_the_air_warning_mail_and_its_retraction_are_chinese(tmp_path):
    db = tmp_path / "w.duckdb"
    prepare(db)
    with write_connection(db) as con:
        air_day(con, 236, [260, 320, 280])  # orange: 4 days > 200, one > 300
        ev = evaluate_day(con, D, load_rules(), load_contacts(), NOW, ["test"])
        assert [(r["kind"], r["level"]) for r in ev.changes] == [("area_warning", "orange")]
        air_day(con, 150, [120, 130, 110])  # the corrected observations and forecast
        ev = evaluate_day(con, D, load_rules(), load_contacts(), NOW, ["test"])
        assert [r["status"] for r in ev.changes] == ["retracted"]
        mails = mails_to(con, "air.zigong@example.cn", "area_warning/自贡/2026-01-20")
    issued, retracted = (mails.filter(pl.col("status") == s).row(0, named=True) for s in ("issued", "retracted"))
    zh = chinese_part(issued["body_text"])
    assert offenders(zh) == []
    assert "数据状态：预报 + 初步实测（未经审核）" in zh
    assert "评价依据：环办大气函〔2018〕875号（全国统一的重污染天气预警分级标准，默认）" in zh
    assert "实测 observed" in zh and "预报 forecast" in zh  # evidence: Chinese first
    assert "Data status: forecast + preliminary observations" in english_part(issued["body_text"])
    zh = chinese_part(retracted["body_text"])
    assert offenders(zh) == []
    assert "撤回原因：数据更正" in zh and "不再满足重污染天气预警的条件" in zh
    assert "更正后自贡自2026-01-20起的实测与预报日AQI最高为150，日AQI>200的有0天" in zh
    assert "原预警内容（已撤回，不再有效）：自贡预计" in zh
    rows = [line for line in zh.splitlines() if line.startswith("  自贡 | ")]
    assert [line.split(" | ")[2] for line in rows] == ["150", "120", "130", "110"]  # corrected, not 236/320


# --- observed heavy pollution (a digest kind) ----------------------------------------------------------------------


def test_observed_heavy_pollution_and_its_retraction_in_the_digest_are_chinese(tmp_path):
    db = tmp_path / "w.duckdb"
    prepare(db)
    with write_connection(db) as con:
        air_day(con, 236, [])
        evaluate_day(con, D, load_rules(), load_contacts(), NOW, ["test"])
        issued = fetch_polars(
            con, "SELECT * FROM alerts.event_log WHERE kind = 'observed_heavy' ORDER BY revision DESC"
        ).row(0, named=True)
        air_day(con, 150, [])  # the day's AQI corrected
        evaluate_day(con, D, load_rules(), load_contacts(), NOW, ["test"])
        retracted = fetch_polars(
            con, "SELECT * FROM alerts.event_log WHERE kind = 'observed_heavy' ORDER BY revision DESC"
        ).row(0, named=True)
    assert retracted["status"] == "retracted"
    zh = chinese_part(render(notification_for(issued, ["test"])).text)
    assert offenders(zh) == []
    assert "评价依据：HJ 633 日AQI；规则：日AQI>200，或滚动24小时AQI>200累计12小时及以上" in zh
    note = notification_for(retracted, ["test"])
    zh = chinese_part(render(note).text)
    assert offenders(zh) == [] and "更正后自贡2026-01-20日AQI为150（首要污染物 PM2.5）" in zh
    digest = render_digest(D, "air.zigong@example.cn", [note], {}, [], {})
    row = next(line for line in digest.text.splitlines() if "observed_heavy/自贡" in line)
    assert "撤回原因：数据更正" in row and "更正后自贡2026-01-20日AQI为150" in row


def test_under_a_regional_warning_issued_that_day_the_text_says_so_in_chinese():
    regional = Candidate("regional_warning", "region", "orange", "区域联合预警", "regional", ["自贡"], area_places())
    zh, en = warning_status({}, [regional], D, ["自贡"])["自贡"]
    assert zh == "本区县无预警，区域联合预警（橙色，当日新发布）仍在执行"
    assert en == "no area warning here; the regional warning (Orange, issued that day) still applies"


# --- data outage ---------------------------------------------------------------------------------------------------


def test_the_outage_mail_and_its_retraction_are_chinese(tmp_path):
    rules = load_rules()
    with write_connection(tmp_path / "w.duckdb") as con:
        outage_case.prepare(con)
        evaluate_day(con, outage_case.D, rules, load_contacts(), outage_case.NOW, ["test"])
        # the 7 silent hours of 1883A arrive with the next day's batch
        late = pl.DataFrame(
            [
                {"station_code": "1883A", "ts": ts, "pm25": 40.0, "pm10": 60.0, "so2": 8.0, "no2": 30.0}
                | {"o3": 50.0, "co": 0.8}
                for ts in outage_case.hours()[8:15]
            ]
        ).with_columns(source=pl.lit("test"), batch_id=pl.lit("b2"), load_partition=pl.lit(outage_case.D))
        con.register("_late", late.to_arrow())
        con.execute("INSERT INTO staging.air_hourly BY NAME SELECT * FROM _late")
        build_models(con, ["intermediate.air_hourly_valid"])
        con.execute("DELETE FROM seeds.stations WHERE code NOT IN ('1882A', '1883A', '1884A')")
        con.execute("DELETE FROM seeds.water_sections WHERE section_code NOT IN ('LXH04', 'LXH05')")
        evaluate_day(con, outage_case.D, rules, load_contacts(), outage_case.NOW, ["test"])
        rows = fetch_polars(
            con, "SELECT * FROM alerts.event_log WHERE event_id = 'data_outage/1883A/2026-03-05' ORDER BY revision"
        )
    retracted = rows.filter(pl.col("status") == "retracted").row(0, named=True)
    zh = chinese_part(render(notification_for(retracted, ["test"])).text)
    assert offenders(zh) == []
    assert "评价依据：GB 3095-2012 表4：日均值至少需20个有效小时；连续6小时无有效数据即告警（rules.yaml）" in zh
    assert "更正后该站点当日PM2.5有效24/24小时" in zh


def test_a_lift_says_it_is_lifted_and_that_the_evidence_is_from_before():
    from assets.alerts.mail.email_render import Notification

    n = Notification(
        "area_warning/自贡/2026-01-18",
        "lifted",
        "orange",
        "重污染天气预警",
        "heavy air pollution warning",
        ["自贡"],
        "2026-01-21",
        [{"区县 area": "自贡", "AQI": 320}],
        "自贡预计2026-01-18至2026-01-20出现重污染过程（日AQI>200）。",
    )
    zh = chinese_part(render(n).text)
    assert "2026-01-21起不再满足重污染天气预警条件，予以解除。\n解除前的预警内容：自贡预计" in zh
    assert "解除前的证据 / Evidence before the lift" in zh and "证据 / Evidence:" not in zh

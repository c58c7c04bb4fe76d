"""Real data: the Spring Festival 2023 episode (national archive files, --source archive) through the alert rules.

Expected areas computed by hand from the raw files (tests' own arithmetic, not the marts): per station the natural
day's mean of the hourly PM2.5 (≥ 20 hours), per area the mean of its stations. Daily AQI > 200 needs a 24-h
PM2.5 above 150 µg/m³ (IAQI 200 at 150; PM10 never comes near 350 here). On 2023-01-22 that is 大足 165.5,
铜梁 161.3 and 荣昌 157.7; next are 永川 148.5 and 内江 146.2 (AQI ≤ 200). The rolling 24-h rule (area mean of the
stations' moving 24-h PM2.5 > 150 for ≥ 12 h) gives the same three: 大足 18 h, 荣昌 18 h, 铜梁 15 h; no other
area and no other day qualifies. The archive source has no forecast, so no warning is active: all three are
"observed without a warning" alerts, issued on the 22nd and lifted on the 23rd.
"""

import datetime as dt

import dagster as dg
import polars as pl
import pytest

from assets.resources import resources_for
from pipelines.definitions import all_assets
from tests.conftest import need_shared_data
from warehouse.connection import fetch_polars, write_connection
from warehouse.paths import DataPaths

pytestmark = pytest.mark.pipeline

DAYS = [dt.date(2023, 1, 21), dt.date(2023, 1, 22), dt.date(2023, 1, 23)]


def air_and_alerts() -> dg.AssetSelection:
    """The alert assets and what they read, without the river and live-forecast branches (not needed here)."""
    keep = dg.AssetSelection.assets(["alerts", "events"], ["alerts", "deliveries"]).upstream()
    skip = [k for a in all_assets for k in a.keys if "water" in k.to_user_string() or k.path[0] == "forecast"]
    return keep - dg.AssetSelection.assets(*skip)


def test_spring_festival_2023_observed_heavy_pollution(data_dir):
    folder = need_shared_data(*(f"china_sites_202301{d}.csv" for d in (21, 22, 23)))
    instance = dg.DagsterInstance.ephemeral()
    for day in DAYS:
        dg.materialize(
            all_assets,
            selection=air_and_alerts(),
            partition_key=day.isoformat(),
            instance=instance,
            resources=resources_for(str(data_dir), air_source="archive", input_path=str(folder)),
        )
    paths = DataPaths(data_dir)
    with write_connection(paths.warehouse) as con:
        log = fetch_polars(con, "SELECT * FROM alerts.event_log WHERE kind = 'observed_heavy' ORDER BY day, subject")
        mail = fetch_polars(
            con,
            "SELECT n.day, n.channel, m.subject, m.body_text, d.recipient, d.status "
            "FROM alerts.notifications n JOIN alerts.messages m USING (message_id) "
            "JOIN alerts.deliveries d ON d.message_id = n.message_id AND d.recipient = n.recipient "
            "WHERE n.event_id LIKE 'observed_heavy/%'",
        )
    issued = log.filter(pl.col("status") == "issued")
    assert set(issued["subject"]) == {"大足", "荣昌", "铜梁"} and set(issued["day"]) == {dt.date(2023, 1, 22)}
    lifted = log.filter(pl.col("status") == "lifted")
    assert set(lifted["subject"]) == {"大足", "荣昌", "铜梁"} and set(lifted["day"]) == {dt.date(2023, 1, 23)}
    dazu = issued.filter(pl.col("subject") == "大足").row(0, named=True)
    assert dazu["level"] == "heavy" and dazu["capture_pct"] > 90
    assert "3351A" in dazu["evidence"] and "滚动24小时AQI>200" in dazu["evidence"]  # stations and hours as evidence
    # each change reaches the area's air office and the joint office once, in their daily digest (not urgent: the
    # heavy day is over when it is observed), written to the outbox
    assert mail.height == 12 and set(mail["status"]) == {"sent"} and set(mail["channel"]) == {"digest"}
    per_mail = mail.group_by("recipient", "day").len()
    assert per_mail.height == 8 and set(per_mail["len"]) == {1, 3}  # the joint office: the three areas in one
    digest = mail.filter((pl.col("recipient") == "air.dazu@example.cn") & (pl.col("day") == DAYS[1])).row(0, named=True)
    assert digest["subject"].startswith("【川南渝西联合预警】每日摘要 daily digest 2023-01-22 — 1项变化")
    assert "■ 重污染天气（未预警） / heavy pollution observed without a warning（1）" in digest["body_text"]
    assert "当日无预警" in digest["body_text"]
    eml = {p.name for p in paths.outbox.glob("*.eml")}
    assert len([n for n in eml if "air.dazu" in n]) == 2  # 大足: the digests of the 22nd and the 23rd

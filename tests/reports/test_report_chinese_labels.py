"""The report page names the alerts' kinds, levels and statuses and the recipients' roles in Chinese (重污染天气预警,
橙色, 解除, 联合办公室), not by their codes; the method line is Chinese first; the composite index says in Chinese why
an area is not ranked. The exports keep the codes (what alerts.events holds)."""

import datetime as dt

import polars as pl

from assets.reports.html import render_html
from assets.reports.period import ReportPeriod
from assets.reports.tables import ReportTables

PERIOD = ReportPeriod.parse("2026-11")


def page() -> str:
    alerts = pl.DataFrame(
        {
            "kind": ["area_warning", "river_exceedance", "data_outage"],
            "subject": ["自贡", "LXH05", "1883A"],
            "level": ["orange", "劣V", "alert"],
            "status": ["lifted", "retracted", "active"],
            "title_zh": ["重污染天气预警", "断面持续超标（跨界断面）", "数据中断"],
            "title_en": ["heavy air pollution warning", "sustained exceedance", "data outage"],
            "first_seen": [dt.date(2026, 11, 3)] * 3,
            "last_seen": [dt.date(2026, 11, 5)] * 3,
            "standard": ["x"] * 3,
        }
    )
    times = pl.DataFrame(
        {"role": ["joint_office", "river_chief"], "kind": ["area_warning", "river_incident"], "alerts": [2, 3]}
    )
    t = ReportTables(PERIOD, tables={"alerts": alerts, "notify_times": times})
    return render_html(t, {}, dt.datetime(2026, 12, 1, 9))


def test_alert_kinds_levels_statuses_and_roles_are_chinese_on_the_page():
    html = page()
    for word in ("重污染天气预警", "断面持续超标", "数据中断", "橙色", "劣V类", "解除", "撤回", "生效中"):
        assert f"<td>{word}</td>" in html, word
    for word in ("联合办公室", "河长办", "水质突变"):
        assert f"<td>{word}</td>" in html, word
    for code in ("area_warning", "river_exceedance", "data_outage", "orange", "lifted", "retracted", "active"):
        assert f"<td>{code}</td>" not in html, code
    assert "joint_office" not in html and "river_chief" not in html
    assert "统计方法：HJ 663（执行中的 GB 3095 二级浓度限值），GB 3838-2002 单因子评价水质类别。" in html

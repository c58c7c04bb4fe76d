"""The report sections of the joint assessment (issue 15), in their own module so that other sections merge
beside them: the composite-index ranking, the exceptional events with the attainment with and without them, and
both provinces' readings of the border. Each is a section dict of ``html.render_html``."""

from __future__ import annotations

import polars as pl

from assets.reports.html_table import html_table
from assets.reports.tables import ReportTables

INDEX_COLUMNS = {
    "rank": "排名 Rank",
    "area": "区域 Area",
    "province": "省市 Province",
    "i_sum": "综合指数 I_sum",
    "primary_pollutant": "首要污染物 Primary",
    "i_pm25": "I PM2.5",
    "i_pm10": "I PM10",
    "i_o3_8h": "I O3-8h",
    "i_no2": "I NO2",
    "i_so2": "I SO2",
    "i_co": "I CO",
    "ranking_status": "说明 Status",
    "i_sum_year_before": "上年同期 Year before",
    "change_pct": "同比变化 % Change",
    "change_rank": "改善排名 Change rank",
}
EXCLUDED_COLUMNS = {
    "excluded_days": "例外天数 Days set aside",
    "i_sum_excluding_events": "扣除后综合指数 I_sum w/o events",
    "rank_excluding_events": "扣除后排名 Rank w/o events",
}
EVENT_COLUMNS = {
    "event_id": "编号 Event",
    "scope": "范围 Scope",
    "code": "站点/区域 Where",
    "first_day": "起 From",
    "last_day": "止 To",
    "pollutants": "污染物 Pollutants",
    "event_type": "类型 Type",
    "reason": "原因 Reason",
    "approved_by": "批准 Approved by",
    "approved_on": "批准日期 On",
}
WITH_WITHOUT_COLUMNS = {
    "scope": "范围 Scope",
    "code": "站点/区域 Where",
    "excluded_days": "例外天数 Days set aside",
    "pm25_mean_with_events": "PM2.5 含 with",
    "pm25_mean_without_events": "PM2.5 扣除 without",
    "pm10_mean_with_events": "PM10 含 with",
    "pm10_mean_without_events": "PM10 扣除 without",
    "good_days_ratio_with_events": "优良% 含 with",
    "good_days_ratio_without_events": "优良% 扣除 without",
    "attain_all_with_events": "达标 含 Attains with",
    "attain_all_without_events": "达标 扣除 Attains without",
}
AIR_PAIR_COLUMNS = {
    "border": "省界 Border",
    "sichuan_name": "四川侧 Sichuan",
    "chongqing_name": "重庆侧 Chongqing",
    "distance_km": "距离 km",
    "days_compared": "对比天数 Days",
    "sichuan_pm25": "PM2.5 川",
    "chongqing_pm25": "PM2.5 渝",
    "mean_diff_pm25": "差值 Diff",
    "mean_diff_o3_8h": "O3-8h 差值 Diff",
    "days_level_differs": "级别不同 Level differs",
    "days_disputed": "争议天数 Disputed days",
}
WATER_SECTION_COLUMNS = {
    "section_code": "断面 Section",
    "section_name": "名称 Name",
    "river": "河流 River",
    "used_province": "统计采用 Used",
    "readings_compared": "对比时次 Readings",
    "class_differs": "类别不同 Class differs",
    "disputed": "争议 Disputed",
    "disputed_parameters": "争议指标 Parameters",
}
WATER_DISPUTE_COLUMNS = {
    "ts": "时间 Time",
    "section_code": "断面 Section",
    "province_a": "采用 Used",
    "class_a": "类别 Class",
    "province_b": "另一方 Other",
    "class_b": "类别 Class",
    "disputed_parameters": "争议指标 Parameters",
}
MAX_DISPUTES_SHOWN = 30  # the CSV/XLSX carry all


def composite_section(t: ReportTables, chart) -> dict:
    index, ytd = t.tables.get("composite_index"), t.tables.get("composite_index_ytd")
    columns = INDEX_COLUMNS | (EXCLUDED_COLUMNS if _any_excluded(index) else {})
    table = html_table(index, columns)
    if ytd is not None:
        table += f"<h3>1–{t.period.start.month}月累计 Year to date</h3>" + html_table(ytd, columns)
    return {
        "heading": "环境空气质量综合指数排名 Composite air-quality index ranking",
        "charts": chart("composite_index"),
        "text": "按《城市环境空气质量排名技术规定》（环办监测〔2018〕19号）："
        "单项指数 I_i = C_i / S_i（SO2、NO2、PM10、PM2.5 为平均浓度与年均二级标准之比，"
        "CO 为日均值第95百分位数与24小时标准之比，O3 为日最大8小时第90百分位数与8小时标准之比），"
        "综合指数为六项之和，越小空气质量越好；数据不满足有效性要求的区域列出但不参加排名。",
        "table": table,
        "note": _missing(t, "composite_index"),
    }


def exceptional_section(t: ReportTables) -> dict:
    events, both = t.tables.get("exceptional_events"), t.tables.get("exceptional_attainment")
    if events is None or not events.height:
        return {
            "heading": "例外事件 Exceptional events",
            "charts": [],
            "table": "",
            "text": "本期无例外事件，统计采用全部监测数据。No exceptional event in this period: every day counts.",
            "note": _missing(t, "exceptional_events"),
        }
    days = ", ".join(
        f"{r['code']} {r['first_day']}–{r['last_day']}（{r['reason']}）" for r in events.iter_rows(named=True)
    )
    return {
        "heading": "例外事件 Exceptional events",
        "charts": [],
        "text": f"以下站点-日/区域-日经批准作为例外事件扣除：{days}。"
        "监测数据保留不删除；达标评价同时给出含与扣除例外事件两种结果。"
        "These days are set aside as exceptional events; the data stay, and attainment is given with and without them.",
        "table": html_table(events, EVENT_COLUMNS)
        + "<h3>含/扣除例外事件的评价 With and without the events</h3>"
        + html_table(both, WITH_WITHOUT_COLUMNS),
        "note": _missing(t, "exceptional_attainment"),
    }


def border_section(t: ReportTables) -> dict:
    disputes = t.tables.get("water_report_disputes")
    shown = disputes.head(MAX_DISPUTES_SHOWN) if disputes is not None else None
    hidden = disputes.height - shown.height if shown is not None else 0
    more = f"<p>另有 {hidden} 条，见 CSV/XLSX。 {hidden} more in the CSV/XLSX.</p>" if hidden else ""
    return {
        "heading": "省界两侧监测数据对比 Both provinces' readings of the border",
        "charts": [],
        "text": "空气：省界两侧国控站点逐日对比（PM2.5、PM10、O3-8h、AQI）；"
        "水质：两省监测中心对同一断面同一时次的报告，类别不同或指标差异超过容差（seeds.border_tolerances）"
        "记为争议。统计采用下游省份的报告，缺报时采用另一方。",
        "table": "<h3>空气 Air</h3>"
        + html_table(t.tables.get("air_border_pairs"), AIR_PAIR_COLUMNS)
        + "<h3>跨界断面 River sections both provinces reported</h3>"
        + html_table(t.tables.get("water_report_sections"), WATER_SECTION_COLUMNS)
        + "<h3>争议时次 Disputed readings</h3>"
        + html_table(shown, WATER_DISPUTE_COLUMNS)
        + more,
        "note": _missing(t, "air_border_pairs", "water_report_sections"),
    }


def _any_excluded(index: pl.DataFrame | None) -> bool:
    return (
        index is not None and "excluded_days" in index.columns and bool((index["excluded_days"].fill_null(0) > 0).any())
    )


def _missing(t: ReportTables, *names: str) -> str:
    gone = sorted({t.missing[n] for n in names if n in t.missing})
    return f"本部署尚无数据表 Not built in this deployment: {', '.join(gone)}" if gone else ""

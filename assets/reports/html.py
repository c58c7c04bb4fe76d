"""The report as one self-contained HTML page: Chinese with English headings, charts inline as base64 PNG."""

from __future__ import annotations

import base64
import datetime as dt
import re

import jinja2

from assets import demo
from assets.reports import notify_times
from assets.reports.alert_labels import labelled
from assets.reports.html_table import html_table
from assets.reports.joint_html import border_section, composite_section, exceptional_section
from assets.reports.tables import ReportTables

# What each table shows on the page (the CSV/XLSX exports carry every column): column -> header.
AIR_COLUMNS = {
    "area": "区域 Area",
    "province": "省市 Province",
    "valid_days": "有效天数 Valid days",
    "good_days_ratio": "优良天数比例 % Good days",
    "heavy_pollution_days": "重污染天数 Heavy days",
    "pm25_mean": "PM2.5",
    "pm10_mean": "PM10",
    "so2_mean": "SO2",
    "no2_mean": "NO2",
    "co_p95": "CO P95",
    "o3_8h_p90": "O3-8h P90",
    "exceed_days_pm25": "PM2.5超标天 Exceed d",
    "exceed_days_o3_8h": "O3超标天 Exceed d",
    "attain_all": "六项达标 Attains",
    "limits_standard": "标准 Limits",
}
REGION_COLUMNS = {
    "scope": "范围 Scope",
    "name": "名称 Name",
    "areas": "区域数 Areas",
    "areas_attained": "达标区域 Attaining",
    "good_days_ratio": "平均优良天数比例 % Good days",
    "pm25_mean": "PM2.5",
    "pm10_mean": "PM10",
    "o3_8h_p90": "O3-8h P90",
    "heavy_pollution_area_days": "重污染区域·天 Heavy area-days",
    "attain_all": "达标 Attains",
}
WATER_COLUMNS = {
    "scope": "范围 Scope",
    "name": "名称 Name",
    "month": "月份 Month",
    "sections_assessed": "评价断面 Assessed",
    "sections_compliant": "达标断面 Compliant",
    "compliance_rate": "达标率 Compliance rate",
    "water_class": "水质类别 Class",
    "target_class": "目标 Target",
    "status_zh": "水质状况 Status",
}
BORDER_COLUMNS = {
    "crossing": "跨界 Crossing",
    "section_code": "断面 Section",
    "section_name": "名称 Name",
    "river": "河流 River",
    "months_assessed": "评价月数 Months",
    "months_compliant": "达标月数 Compliant",
    "worst_class": "最差类别 Worst",
    "main_pollutants_zh": "主要污染物 Main pollutants",
}
ALERT_COLUMNS = {
    "kind": "类型 Kind",
    "subject": "对象 Subject",
    "level": "级别 Level",
    "status": "状态 Status",
    "title_zh": "标题 Title",
    "first_seen": "首次 First",
    "last_seen": "最近 Last",
}

_TEMPLATE = jinja2.Environment(autoescape=True).from_string(
    """<!DOCTYPE html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>{{ title_zh }}</title>
<style>
body{font-family:"Noto Sans CJK SC","WenQuanYi Micro Hei","Microsoft YaHei",sans-serif;
margin:24px;color:#222;max-width:1200px}
h1{font-size:22px}h2{font-size:18px;border-bottom:2px solid #2c7fb8;padding-bottom:3px;margin-top:32px}
table{border-collapse:collapse;font-size:12px;margin:8px 0}th,td{border:1px solid #bbb;padding:3px 6px;text-align:right}
th{background:#eef4f8}td:first-child,th:first-child{text-align:left}figure{margin:12px 0}img{max-width:100%}
figcaption{font-size:12px;color:#555}.note{color:#8a6d3b;background:#fcf8e3;padding:6px 10px;font-size:13px}
.bad{color:#c00;font-weight:bold}
.demo{background:#fff3cd;border:2px solid #e0a800;padding:8px 12px;font-weight:bold}
</style></head><body>
<h1>{% if demo %}{{ demo.mark }}{% endif %}{{ title_zh }}<br><small>{{ title_en }}</small></h1>
{% if demo %}<p class="demo">{{ demo.zh }}<br>{{ demo.en }}</p>{% endif %}
<p>统计期 Period: {{ start }} – {{ end }}。生成时间 Generated: {{ generated }}（北京时间 CST）。
统计方法：HJ 663（执行中的 GB 3095 二级浓度限值），GB 3838-2002 单因子评价水质类别。
Method: HJ 663 (GB 3095 Grade II limits in force), GB 3838-2002 single-factor water classes.</p>
{% for s in sections %}
<h2>{{ s.heading }}</h2>
{% if s.text %}<p>{{ s.text }}</p>{% endif %}
{% for c in s.charts %}<figure><img alt="{{ c.caption }}" src="data:image/png;base64,{{ c.b64 }}"><figcaption>
{{- c.caption }}</figcaption></figure>{% endfor %}
{% if s.table %}{{ s.table | safe }}{% endif %}
{% if s.note %}<p class="note">{{ s.note }}</p>{% endif %}
{% endfor %}
<p style="font-size:12px;color:#777">CSV/XLSX: every table of this report in full, beside this file.</p>
</body></html>"""
)


def render_html(t: ReportTables, charts: dict[str, tuple[str, bytes]], generated: dt.datetime) -> str:
    def chart(name):
        if name not in charts:
            return []
        caption, png = charts[name]
        return [{"caption": caption, "b64": base64.b64encode(png).decode()}]

    def missing(*names):
        gone = sorted({t.missing[n] for n in names if n in t.missing})
        return f"本部署尚无数据表 Not built in this deployment: {', '.join(gone)}" if gone else ""

    p = t.period
    ytd = t.tables.get("air_area_ytd")
    sections = [
        {
            "heading": "一、区域环境空气质量 Regional air quality",
            "table": html_table(t.tables.get("air_region"), REGION_COLUMNS),
            "charts": [],
            "note": missing("air_region"),
        },
        {
            "heading": "二、各区域空气质量 Air quality by area" + (" (本月 this month)" if p.kind == "month" else ""),
            "table": html_table(t.tables.get("air_area"), AIR_COLUMNS),
            "charts": chart("good_days"),
            "text": "浓度单位 µg/m³（CO mg/m³）；年/月均值与百分位数按 HJ 663 计算，数据不足时达标栏为“—”。",
            "note": missing("air_area"),
        },
    ]
    if ytd is not None:
        sections.append(
            {
                "heading": f"三、1–{p.start.month}月累计 Year to date",
                "table": html_table(ytd, AIR_COLUMNS),
                "charts": [],
            }
        )
    sections += [composite_section(t, chart), exceptional_section(t)]  # joint assessment (joint_html.py)
    sections += [
        {
            "heading": "四、日空气质量指数日历 Daily AQI calendar",
            "charts": chart("aqi_calendar"),
            "table": "",
            "note": missing("air_area_daily"),
        },
        {
            "heading": "五、PM2.5 与 O3 变化趋势 PM2.5 and O3 trends against the limits",
            "charts": chart("pm25_trend") + chart("o3_trend"),
            "table": "",
        },
        {
            "heading": "六、跨界河流水质 Cross-border river water quality",
            "charts": chart("water_matrix"),
            "table": html_table(t.tables.get("water_compliance"), WATER_COLUMNS),
            "note": missing("water_compliance", "water_sections_ytd"),
        },
        {
            "heading": "七、跨界断面考核 Border section scorecard",
            "charts": [],
            "table": html_table(t.tables.get("water_border"), BORDER_COLUMNS),
            "note": missing("water_border"),
        },
        *_border_ytd(t),
        border_section(t),  # both provinces' readings of the border (joint_html.py)
        {
            "heading": "八、本期预警 Alerts in the period",
            "charts": [],
            "table": html_table(labelled(t.tables.get("alerts")), ALERT_COLUMNS),
            "note": missing("alerts"),
        },
    ]
    sections.append(
        {
            "heading": notify_times.HEADING,
            "text": notify_times.TEXT,
            "charts": [],
            "table": html_table(labelled(t.tables.get(notify_times.TABLE)), notify_times.COLUMNS),
            "note": missing(notify_times.TABLE),
        }
    )
    return _TEMPLATE.render(
        title_zh=p.title_zh,
        title_en=p.title_en,
        start=p.start,
        end=p.end,
        generated=generated.strftime("%Y-%m-%d %H:%M"),
        sections=numbered(sections),
        demo=demo_block(t.generated),
    )


def _border_ytd(t: ReportTables) -> list[dict]:
    """A monthly report's scorecard of the year to date (1–M月累计), titled as such."""
    ytd = t.tables.get("water_border_ytd")
    if t.period.kind != "month" or ytd is None:
        return []
    heading = f"跨界断面考核 1–{t.period.start.month}月累计 Border section scorecard, year to date"
    return [{"heading": heading, "charts": [], "table": html_table(ytd, BORDER_COLUMNS)}]


def demo_block(generated: list[str]) -> dict | None:
    """The title block's notice when the period holds generated data (assets/demo.py), naming the datasets."""
    if not generated:
        return None
    return {
        "mark": demo.MARK,
        "zh": f"{demo.NOTICE_ZH}（{'、'.join(generated)}）",
        "en": f"{demo.NOTICE_EN} ({', '.join(generated)})",
    }


NUMERALS = "一二三四五六七八九十"


def numbered(sections: list[dict]) -> list[dict]:
    """Headings numbered in page order (一、二、…), whatever numbers they were written with: sections come and go
    with the period (the year to date) and with what other modules add."""

    def bare(heading: str) -> str:
        return re.sub(rf"^[{NUMERALS}]+、", "", heading)

    def numeral(n: int) -> str:  # 1..99: 一 ... 十, 十一 ... 二十 ...
        if n <= 10:
            return NUMERALS[n - 1]
        tens = "十" if n < 20 else NUMERALS[n // 10 - 1] + "十"
        return tens + (NUMERALS[n % 10 - 1] if n % 10 else "")

    return [{**s, "heading": f"{numeral(i)}、{bare(s['heading'])}"} for i, s in enumerate(sections, start=1)]

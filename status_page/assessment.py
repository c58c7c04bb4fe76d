"""The assessment page's data (评估, ``assessment.json``): the latest month of the snapshot as the joint monthly report
assesses it, and the reports that exist.

The ranking, the exceptional events' attainment, the border pairs and the disputed river readings are the joint
report's own queries (``assets/reports/joint_tables.py``), so the page and the report cannot disagree; the rest
reads marts as they are. The month is the latest in ``marts.air_composite_index`` (the month so far while it runs).
"""

from __future__ import annotations

from pathlib import Path

import duckdb

from assets.reports.joint_tables import joint_queries
from assets.reports.period import ReportPeriod
from status_page.overview import plain

LATEST_MONTH = "SELECT max(period_start) FROM marts.air_composite_index WHERE period_kind = 'month'"

# 优良天数比例 and attainment, every day as measured; the exceptional events' effect is in the report's own table
ATTAINMENT = """
SELECT m.area, a.area_en, m.province, m.valid_days, m.good_days_ratio, m.heavy_pollution_days, m.pm25_mean,
       m.attain_all, m.limits_standard
FROM marts.air_area_monthly AS m JOIN seeds.areas AS a USING (area)
WHERE m.month = ? ORDER BY m.province DESC, m.area
"""

WATER_SCORECARD = """
SELECT crossing, section_code, section_name, river, province, border_role, target_class, months_assessed,
       months_compliant, compliance_rate, worst_class, main_pollutants_zh
FROM marts.water_border_scorecard WHERE period_kind = 'month' AND period_start = ?
ORDER BY crossing, border_role DESC, section_code
"""

AIR_DISPUTES = """
SELECT pair_id, border, day, sichuan_name, sichuan_aqi, sichuan_level, chongqing_name, chongqing_aqi,
       chongqing_level, disputed_parameters
FROM marts.air_border_pairs WHERE disputed AND day BETWEEN ? AND ? ORDER BY day, pair_id
"""

JOINT = ("composite_index", "exceptional_events", "exceptional_attainment", "air_border_pairs",
         "water_report_sections", "water_report_disputes")  # fmt: skip


def query(con: duckdb.DuckDBPyConnection, sql: str, params: list) -> list[dict]:
    cursor = con.execute(sql, params)
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, map(plain, row), strict=True)) for row in cursor.fetchall()]


def report_files(reports: Path | None) -> list[dict]:
    """The reports `envmon report` wrote (``<label>/envmon_report_<label>.html``), newest first; only those that
    exist are linked."""
    if reports is None or not reports.is_dir():
        return []
    found = []
    for folder in reports.iterdir():
        html = folder / f"envmon_report_{folder.name}.html"
        try:
            period = ReportPeriod.parse(folder.name)
        except ValueError:
            continue  # not a report's folder
        if html.is_file():
            found.append({"label": period.label, "kind": period.kind, "title_zh": period.title_zh,
                          "title_en": period.title_en, "source": html, "href": f"reports/{html.name}"})  # fmt: skip
    return sorted(found, key=lambda r: (r["kind"] == "month", r["label"]), reverse=True)  # months, newest first


def build_assessment(con: duckdb.DuckDBPyConnection, reports: Path | None = None) -> dict:
    start = con.execute(LATEST_MONTH).fetchone()[0]
    files = report_files(reports)
    out = {"reports": [{k: v for k, v in r.items() if k != "source"} for r in files], "month": None}
    if start is None:
        return out  # no month assessed yet: the page says so
    period = ReportPeriod.month(start.year, start.month)
    joint = joint_queries(period)
    out |= {name: query(con, joint[name][1], joint[name][2]) for name in JOINT}
    out |= {
        "month": period.label,
        "period_start": plain(period.start),
        "period_end": plain(period.end),
        "attainment": query(con, ATTAINMENT, [period.start]),
        "water_scorecard": query(con, WATER_SCORECARD, [period.start]),
        "air_disputes": query(con, AIR_DISPUTES, [period.start, period.end]),
    }
    return out

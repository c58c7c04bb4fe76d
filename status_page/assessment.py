"""The assessment page's data (评估): each month of the snapshot as the joint monthly report assesses it
(``assessment/<YYYY-MM>.json``, the latest also as ``assessment.json``), the months there are, and the reports that
exist. The page lists the last ``MONTHS_SHOWN`` months; the months before are in the reports.

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

MONTHS_SHOWN = 24
MONTHS = """
SELECT DISTINCT period_start FROM marts.air_composite_index WHERE period_kind = 'month' ORDER BY period_start DESC
LIMIT ?
"""

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


def build_assessments(con: duckdb.DuckDBPyConnection, reports: list[dict], demo: bool) -> dict[str, dict]:
    """Each month's page data by its label (YYYY-MM), newest first; each names every month listed and the reports
    (``report_files``), and carries the demo banner when the snapshot holds generated data (as the place pages)."""
    starts = [start for (start,) in con.execute(MONTHS, [MONTHS_SHOWN]).fetchall()]
    periods = [ReportPeriod.month(start.year, start.month) for start in starts]
    shared = {"months": [period.label for period in periods], "reports": linked(reports), "demo": demo}
    return {period.label: {**shared, **month_assessment(con, period)} for period in periods}


def latest(assessments: dict[str, dict], reports: list[dict], demo: bool) -> dict:
    """``assessment.json``: the newest month, or, with none assessed yet, what the page says then."""
    if assessments:
        return next(iter(assessments.values()))
    return {"month": None, "months": [], "reports": linked(reports), "demo": demo}


def linked(reports: list[dict]) -> list[dict]:
    """The reports as the page links them (their source path stays on this side)."""
    return [{k: v for k, v in r.items() if k != "source"} for r in reports]


def month_assessment(con: duckdb.DuckDBPyConnection, period: ReportPeriod) -> dict:
    joint = joint_queries(period)
    return {
        **{name: query(con, joint[name][1], joint[name][2]) for name in JOINT},
        "month": period.label,
        "period_start": plain(period.start),
        "period_end": plain(period.end),
        "attainment": query(con, ATTAINMENT, [period.start]),
        "water_scorecard": query(con, WATER_SCORECARD, [period.start]),
        "air_disputes": query(con, AIR_DISPUTES, [period.start, period.end]),
    }

"""Build one report: read the tables, draw the charts, write HTML + CSV + XLSX under <data>/reports/<period>/."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

import duckdb

from assets.clock import now_cst
from assets.reports.exports import write_csvs, write_xlsx
from assets.reports.html import render_html
from assets.reports.period import ReportPeriod
from assets.reports.tables import ReportTables, read_report_tables


@dataclass(frozen=True)
class ReportOutput:
    period: ReportPeriod
    folder: Path
    html: Path
    xlsx: Path
    csvs: list[Path]
    charts: dict[str, tuple[str, bytes]]
    tables: ReportTables

    @property
    def paths(self) -> list[Path]:
        return [self.html, self.xlsx, *self.csvs]


def build_report(
    con: duckdb.DuckDBPyConnection, period: ReportPeriod, reports_root: Path, now: dt.datetime | None = None
) -> ReportOutput:
    """Write the report of ``period``; re-building replaces the files (the folder is the period's own)."""
    tables = read_report_tables(con, period)
    from assets.reports.charts import render_charts  # matplotlib: imported by report runs only

    charts = render_charts(tables)
    folder = reports_root / period.label
    folder.mkdir(parents=True, exist_ok=True)
    stem = f"envmon_report_{period.label}"
    html = folder / f"{stem}.html"
    tmp = html.with_name(f".{html.name}.tmp")
    tmp.write_text(render_html(tables, charts, now or now_cst()), encoding="utf-8")
    tmp.replace(html)
    xlsx = write_xlsx(tables.tables, folder / f"{stem}.xlsx")
    csvs = write_csvs(tables.tables, folder / "csv")
    return ReportOutput(period, folder, html, xlsx, csvs, charts, tables)

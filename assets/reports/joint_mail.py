"""Lines of the report e-mail for the joint assessment: the composite-index ranking, the exceptional events and
the border disputes of the period (the tables themselves are in the attached report)."""

from __future__ import annotations

from assets.reports.tables import ReportTables


def joint_mail_lines(t: ReportTables) -> list[str]:
    lines: list[str] = []
    index = t.tables.get("composite_index")
    if index is not None and index.height:
        ranked = index.filter(index["rank"].is_not_null()).sort("rank")
        lines += [
            "",
            "环境空气质量综合指数排名 Composite air-quality index ranking (环办监测〔2018〕19号, lower = cleaner):",
        ]
        for r in ranked.iter_rows(named=True):
            change = "" if r["change_pct"] is None else f"，同比 {r['change_pct']:+.1f}%"
            lines.append(
                f"  {r['rank']:>2}. {r['area']} {r['i_sum']:.2f}（首要污染物 {r['primary_pollutant']}{change}）"
            )
        for r in index.filter(index["rank"].is_null()).iter_rows(named=True):
            lines.append(f"   -  {r['area']}: {r['ranking_status']}")
    events = t.tables.get("exceptional_events")
    if events is not None and events.height:
        lines += [
            "",
            f"例外事件 Exceptional events: {events.height}（扣除前后的达标评价见报告 with/without in the report）:",
        ]
        lines += [
            f"  {r['event_id']} {r['code']} {r['first_day']}–{r['last_day']}: {r['reason']}（{r['approved_by']}）"
            for r in events.iter_rows(named=True)
        ]
    disputes = t.tables.get("water_report_disputes")
    if disputes is not None and disputes.height:
        lines += ["", f"跨界断面两省报告争议 River readings the two provinces report differently: {disputes.height}"]
    return lines

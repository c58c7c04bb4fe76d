"""The report tables of the joint assessment (issue 15): the composite-index ranking (综合指数排名), the exceptional
events (例外事件) and the attainment with and without them, and both provinces' readings of the border (air station
pairs, river sections both provinces reported). name -> (source table, SQL, params), as ``tables._queries``."""

from __future__ import annotations

from assets.reports.period import ReportPeriod

_INDEX = """
    SELECT c.rank, c.area, c.province, c.i_sum, c.primary_pollutant, c.i_pm25, c.i_pm10, c.i_so2, c.i_no2, c.i_co,
           c.i_o3_8h, c.pm25_mean, c.pm10_mean, c.so2_mean, c.no2_mean, c.co_p95, c.o3_8h_p90, c.ranking_status,
           c.i_sum_year_before, c.rank_year_before, c.change_pct, c.change_rank,
           x.excluded_days, x.i_sum AS i_sum_excluding_events, x.rank AS rank_excluding_events, c.rule
    FROM marts.air_composite_index AS c
    LEFT JOIN marts.air_composite_index AS x
        ON x.basis = 'excluding_events' AND x.area = c.area AND x.period_kind = c.period_kind
       AND x.period_start = c.period_start AND x.period_end = c.period_end
    WHERE c.basis = 'all_days' AND c.period_kind = ? AND c.period_start = ? AND c.period_end = ?
    ORDER BY c.rank NULLS LAST, c.i_sum NULLS LAST, c.area
"""


def joint_queries(p: ReportPeriod) -> dict[str, tuple[str, str, list]]:
    q = {
        "composite_index": ("marts.air_composite_index", _INDEX, [p.kind, p.start, p.end]),
        "exceptional_events": (
            "seeds.air_exceptional_events",
            # the event's days in the period (an event across the month's end shows this month's part; the whole
            # event: `envmon exclude --list`); approved_on is when it was approved, which may be after the period
            "SELECT event_id, scope, code, greatest(CAST(first_day AS DATE), ?) AS first_day, "
            "least(CAST(last_day AS DATE), ?) AS last_day, pollutants, event_type, reason, approved_by, "
            "approved_on, reference FROM seeds.air_exceptional_events "
            "WHERE CAST(first_day AS DATE) <= ? AND CAST(last_day AS DATE) >= ? "
            "ORDER BY first_day, event_id",
            [p.start, p.end, p.end, p.start],
        ),
        "exceptional_attainment": (
            "marts.air_exceptional_attainment",
            "SELECT * FROM marts.air_exceptional_attainment "
            "WHERE period_kind = ? AND period_start = ? AND period_end = ? "
            "ORDER BY scope, province DESC, code",
            [p.kind, p.start, p.end],
        ),
        "air_border_pairs": (
            "marts.air_border_pairs",
            """SELECT pair_id, border, sichuan_code, sichuan_name, chongqing_code, chongqing_name, distance_km,
                      count(*) AS days,
                      count(*) FILTER (WHERE sichuan_pm25 IS NOT NULL AND chongqing_pm25 IS NOT NULL) AS days_compared,
                      round(avg(sichuan_pm25), 1) AS sichuan_pm25, round(avg(chongqing_pm25), 1) AS chongqing_pm25,
                      round(avg(diff_pm25), 1) AS mean_diff_pm25, round(avg(diff_o3_8h), 1) AS mean_diff_o3_8h,
                      round(avg(sichuan_aqi), 0) AS sichuan_aqi, round(avg(chongqing_aqi), 0) AS chongqing_aqi,
                      count(*) FILTER (WHERE level_differs) AS days_level_differs,
                      count(*) FILTER (WHERE disputed) AS days_disputed,
                      sum(sichuan_hours_pm25) AS sichuan_hours_pm25, sum(chongqing_hours_pm25) AS chongqing_hours_pm25
               FROM marts.air_border_pairs WHERE day BETWEEN ? AND ? GROUP BY ALL ORDER BY pair_id""",
            [p.start, p.end],
        ),
        "water_report_sections": (
            "marts.water_report_comparison",
            """SELECT section_code, section_name, river, province_a, province_b,
                      any_value(used_province) AS used_province,
                      count(*) AS readings_compared, count(*) FILTER (WHERE class_differs) AS class_differs,
                      count(*) FILTER (WHERE disputed) AS disputed,
                      list_sort(list_distinct(flatten(list(disputed_parameters)))) AS disputed_parameters
               FROM marts.water_report_comparison WHERE day BETWEEN ? AND ?
               GROUP BY ALL ORDER BY river, section_code""",
            [p.start, p.end],
        ),
        "water_report_disputes": (
            "marts.water_report_comparison",
            "SELECT section_code, section_name, ts, used_province, province_a, class_a, reported_class_a, province_b, "
            "class_b, reported_class_b, disputed_parameters FROM marts.water_report_comparison "
            "WHERE day BETWEEN ? AND ? AND disputed ORDER BY ts, section_code",
            [p.start, p.end],
        ),
    }
    if p.kind == "month":
        q["composite_index_ytd"] = ("marts.air_composite_index", _INDEX, ["ytd", p.year_start, p.end])
    return q

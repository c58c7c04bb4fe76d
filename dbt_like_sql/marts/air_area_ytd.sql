-- Year-to-date HJ 663 statistics per area (1-M月累计), one row per month M of the data; the monthly report's cumulative table.
-- Columns: see intermediate.air_period_stats (HJ 663 statistics, data capture, limits in force, attainment).
-- Every day as measured (basis all_days); with the exceptional events set aside: marts.air_exceptional_attainment.
-- materialized: view
-- partitioned: periods (make_date(year, 1, 1), last_day(make_date(year, through_month, 1)))
SELECT
    area, province, year(period_start) AS year, month(period_end) AS through_month,
    * EXCLUDE (basis, scope, code, area, province, period_kind, period_start, period_end, excluded_days)
FROM intermediate.air_period_stats
WHERE basis = 'all_days' AND scope = 'area' AND period_kind = 'ytd'

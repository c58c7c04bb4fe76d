-- Monthly HJ 663 statistics per area (月评价) from the area's daily city-average values: means, percentiles, data capture, good-days ratio, days per AQI level, heavy-pollution days, exceedance days, attainment.
-- Columns: see intermediate.air_period_stats (HJ 663 statistics, data capture, limits in force, attainment).
-- Every day as measured (basis all_days); with the exceptional events set aside: marts.air_exceptional_attainment.
-- materialized: view
-- partitioned: periods (month, last_day(month))
SELECT
    area, province, period_start AS month,
    * EXCLUDE (basis, scope, code, area, province, period_kind, period_start, period_end, excluded_days)
FROM intermediate.air_period_stats
WHERE basis = 'all_days' AND scope = 'area' AND period_kind = 'month'

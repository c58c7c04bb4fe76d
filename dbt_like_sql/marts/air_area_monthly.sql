-- Monthly HJ 663 statistics per area (月评价) from the area's daily city-average values: means, percentiles, data capture, good-days ratio, days per AQI level, heavy-pollution days, exceedance days, attainment.
-- Columns: see intermediate.air_period_stats (HJ 663 statistics, data capture, limits in force, attainment).
-- materialized: view
-- partitioned: periods (month, last_day(month))
SELECT
    area, province, period_start AS month,
    * EXCLUDE (scope, code, area, province, period_kind, period_start, period_end)
FROM intermediate.air_period_stats
WHERE scope = 'area' AND period_kind = 'month'

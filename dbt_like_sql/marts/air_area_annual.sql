-- Annual HJ 663 statistics per area (年评价): means, percentiles, data capture (>= 324 days, every month valid), good-days ratio, days per level, heavy-pollution days, exceedance days, attainment of each pollutant and of all six against the limits in force.
-- Columns: see intermediate.air_period_stats (HJ 663 statistics, data capture, limits in force, attainment).
-- Every day as measured (basis all_days); with the exceptional events set aside: marts.air_exceptional_attainment.
-- materialized: view
-- partitioned: periods (make_date(year, 1, 1), make_date(year, 12, 31))
SELECT
    area, province, year(period_start) AS year,
    * EXCLUDE (basis, scope, code, area, province, period_kind, period_start, period_end, excluded_days)
FROM intermediate.air_period_stats
WHERE basis = 'all_days' AND scope = 'area' AND period_kind = 'year'

-- Annual HJ 663 statistics per air station (年评价): means, percentiles, data capture (>= 324 days, every month valid), good-days ratio, days per level, exceedance days, attainment against the limits in force.
-- Columns: see intermediate.air_period_stats (HJ 663 statistics, data capture, limits in force, attainment).
-- materialized: view
-- partitioned: periods (make_date(year, 1, 1), make_date(year, 12, 31))
SELECT
    code AS station_code, area, province, year(period_start) AS year,
    * EXCLUDE (scope, code, area, province, period_kind, period_start, period_end)
FROM intermediate.air_period_stats
WHERE scope = 'station' AND period_kind = 'year'

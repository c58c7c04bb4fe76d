-- The rules in force on each day: the AQI standard (HJ 633-2012 before 2026-03-01, HJ 633-2026 from then on)
-- with its rule switches, and the GB 3095 limit set with its Grade II O3 daily-max-8-h limit. Rules are picked per
-- day from the seeds, never per run (STANDARDS §1). A calendar from the first standard's start to 2099, so that it
-- depends on the seeds only (a small table, rebuilt when they change) and any day's data finds its rules.
WITH days AS (
    SELECT CAST(unnest(generate_series(min(valid_from), DATE '2099-12-31', INTERVAL 1 DAY)) AS DATE) AS day
    FROM seeds.aqi_standards
),
limits AS (
    SELECT d.day, l.standard AS limits_standard, l.grade_ii AS o3_8h_limit
    FROM days AS d
    JOIN seeds.air_quality_limits AS l
      ON d.day BETWEEN l.valid_from AND coalesce(l.valid_to, DATE '9999-12-31')
     AND l.pollutant = 'O3' AND l.averaging = 'daily_max_8h'
)
SELECT
    d.day,
    s.standard,
    s.round_inputs,
    s.so2_1h_above_800,
    s.o3_8h_above_800,
    s.partial_publish_min_aqi,
    s.daily_includes_o3_1h,
    s.exceeding_pollutant,
    l.limits_standard,
    l.o3_8h_limit
FROM days AS d
LEFT JOIN seeds.aqi_standards AS s ON d.day BETWEEN s.valid_from AND coalesce(s.valid_to, DATE '9999-12-31')
LEFT JOIN limits AS l USING (day)

-- The values the GB 3838 single-factor evaluation is applied to, per subject, period and parameter:
-- each reading (period 'reading'), the arithmetic mean of a section's day ('day') and month ('month'), and for a
-- river's month the mean of its sections' monthly means ('river_month', used for rivers with < 5 sections,
-- STANDARDS §5). Means are rounded to the parameter's reporting decimals (round half to even, GB/T 8170) before
-- they are classed; n = readings (or sections) averaged. Means over exact() (DECIMAL): a DOUBLE sum depends on the
-- order of the parallel threads' additions and can flip a half-way rounding, and with it a class, between runs.
-- first_day / last_day: the natural days a period covers (a reading: its own day).
-- partitioned: periods (first_day, last_day), inputs whole months
WITH v AS (
    SELECT v.*, p.decimals FROM intermediate.water_values AS v JOIN seeds.water_parameters AS p USING (parameter)
),
section_month AS (
    SELECT 'month' AS period, section_code AS subject, CAST(month AS TIMESTAMP) AS period_start,
           month AS first_day, last_day(month) AS last_day, parameter,
           CAST(round_even(avg(exact(value)), CAST(any_value(decimals) AS INTEGER)) AS DOUBLE) AS value, count(*) AS n
    FROM v GROUP BY ALL
)
SELECT 'reading' AS period, section_code AS subject, ts AS period_start, day AS first_day, day AS last_day,
       parameter, value, 1 AS n
FROM v WHERE in_window(day)
UNION ALL
SELECT 'day', section_code, CAST(day AS TIMESTAMP), day, day, parameter,
       CAST(round_even(avg(exact(value)), CAST(any_value(decimals) AS INTEGER)) AS DOUBLE), count(*)
FROM v WHERE in_window(day) GROUP BY ALL
UNION ALL
SELECT * FROM section_month
UNION ALL
SELECT 'river_month', s.river, m.period_start, m.first_day, m.last_day, m.parameter,
       CAST(round_even(avg(exact(m.value)), CAST(any_value(p.decimals) AS INTEGER)) AS DOUBLE), count(*)
FROM section_month AS m
JOIN seeds.water_sections AS s ON s.section_code = m.subject
JOIN seeds.water_parameters AS p USING (parameter)
GROUP BY ALL

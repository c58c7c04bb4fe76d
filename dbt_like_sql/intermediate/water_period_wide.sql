-- The period values of every parameter side by side (evaluated or only reported, such as TN), per subject and
-- period, with how many readings each period had at all (readings_used: readings with at least one evaluated value).
-- materialized: view
-- partitioned: periods (first_day, last_day)
WITH evaluated AS (
    SELECT DISTINCT parameter FROM seeds.water_evaluated_parameters WHERE role = 'class'
),
used AS (
    SELECT section_code, 'day' AS period, CAST(day AS TIMESTAMP) AS period_start, count(DISTINCT ts) AS readings_used
    FROM intermediate.water_values WHERE parameter IN (SELECT parameter FROM evaluated) GROUP BY ALL
    UNION ALL
    SELECT section_code, 'month', CAST(month AS TIMESTAMP), count(DISTINCT ts)
    FROM intermediate.water_values WHERE parameter IN (SELECT parameter FROM evaluated) GROUP BY ALL
    UNION ALL
    SELECT section_code, 'reading', ts, 1
    FROM intermediate.water_values WHERE parameter IN (SELECT parameter FROM evaluated) GROUP BY ALL
)
SELECT
    m.period,
    m.subject,
    m.period_start,
    m.first_day,
    m.last_day,
    max(m.value) FILTER (WHERE m.parameter = 'water_temp') AS water_temp,
    max(m.value) FILTER (WHERE m.parameter = 'ph') AS ph,
    max(m.value) FILTER (WHERE m.parameter = 'dissolved_oxygen') AS dissolved_oxygen,
    max(m.value) FILTER (WHERE m.parameter = 'conductivity') AS conductivity,
    max(m.value) FILTER (WHERE m.parameter = 'turbidity') AS turbidity,
    max(m.value) FILTER (WHERE m.parameter = 'codmn') AS codmn,
    max(m.value) FILTER (WHERE m.parameter = 'ammonia_nitrogen') AS ammonia_nitrogen,
    max(m.value) FILTER (WHERE m.parameter = 'total_phosphorus') AS total_phosphorus,
    max(m.value) FILTER (WHERE m.parameter = 'total_nitrogen') AS total_nitrogen,
    coalesce(any_value(u.readings_used), 0) AS readings_used
FROM intermediate.water_period_means AS m
LEFT JOIN used AS u ON u.section_code = m.subject AND u.period = m.period AND u.period_start = m.period_start
WHERE overlaps_input(m.first_day, m.last_day)
GROUP BY ALL

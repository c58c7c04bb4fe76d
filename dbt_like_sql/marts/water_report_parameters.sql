-- Both provinces' reports of one section and time, parameter by parameter (数据平台互联互通): side a = the report
-- the statistics use (or, when neither is, the first province by name; intermediate.water_report_values), side b =
-- the other province's; the difference (b minus a) and whether it is beyond the tolerance of seeds.border_tolerances
-- (dataset water_readings): |a - b| > max(relative x (a + b) / 2, absolute_floor), the floor near the detection
-- limits (a relative difference of two values near zero means nothing). Only parameters both reports carry.
-- partitioned: day
WITH v AS (
    SELECT * FROM intermediate.water_report_values WHERE in_input_days(day)
)
SELECT
    a.section_code,
    a.ts,
    a.day,
    a.parameter,
    a.name_zh,
    a.reporting_province AS province_a,
    b.reporting_province AS province_b,
    a.value AS value_a,
    b.value AS value_b,
    b.value - a.value AS difference,
    round(greatest(coalesce(t.relative, 0) * (a.value + b.value) / 2, coalesce(t.absolute_floor, 0)), 4) AS tolerance,
    a.class_rank AS class_rank_a,
    b.class_rank AS class_rank_b,
    abs(b.value - a.value) > greatest(coalesce(t.relative, 0) * (a.value + b.value) / 2, coalesce(t.absolute_floor, 0))
        AS disputed
FROM v AS a
JOIN v AS b ON b.section_code = a.section_code AND b.ts = a.ts AND b.parameter = a.parameter AND b.side > 1
LEFT JOIN seeds.border_tolerances AS t ON t.dataset = 'water_readings' AND t.parameter = a.parameter
WHERE a.side = 1 AND a.value IS NOT NULL AND b.value IS NOT NULL

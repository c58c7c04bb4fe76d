-- Both provinces' reports of one section and time, side by side (数据平台互联互通), with the dispute flag (争议):
-- for each section and time two provinces reported (staging.water_province_reports), the GB 3838 class of each
-- report (single factor over its own values), the class each file stated, and the parameters beyond their tolerance
-- (marts.water_report_parameters). disputed: a different class, or a parameter beyond its tolerance.
-- Side a = the report the statistics use, side b = the other province's. used_province: the report whose values are
-- in staging.water_readings, chosen by the documented rule (assets/water/report_choice.py: the downstream province's
-- report; the other's only when it is missing); NULL when a later file without 省份 replaced both (side a is then
-- the first province by name).
-- partitioned: day
WITH v AS (
    SELECT *, max(class_rank) OVER (PARTITION BY section_code, ts, reporting_province) AS worst
    FROM intermediate.water_report_values
    WHERE in_input_days(day)
),
reports AS (
    SELECT section_code, ts, day, reporting_province, any_value(used) AS used, any_value(side) AS side,
           any_value(reported_class) AS reported_class, max(class_rank) AS class_rank,
           list(name_zh ORDER BY parameter) FILTER (WHERE class_rank = worst) AS worst_parameters_zh
    FROM v
    GROUP BY section_code, ts, day, reporting_province
),
disputes AS (
    SELECT section_code, ts, province_b,
           list(name_zh ORDER BY parameter) FILTER (WHERE disputed) AS disputed_parameters_zh,
           count(*) AS parameters_compared
    FROM marts.water_report_parameters
    WHERE in_input_days(day)
    GROUP BY ALL
)
SELECT
    a.section_code,
    s.name AS section_name,
    s.river,
    s.province AS section_province,
    s.border_role,
    a.ts,
    a.day,
    CASE WHEN a.used THEN a.reporting_province END AS used_province,
    a.reporting_province AS province_a,
    b.reporting_province AS province_b,
    ca.water_class AS class_a,
    cb.water_class AS class_b,
    a.reported_class AS reported_class_a,
    b.reported_class AS reported_class_b,
    a.worst_parameters_zh AS worst_parameters_a,
    b.worst_parameters_zh AS worst_parameters_b,
    coalesce(a.class_rank <> b.class_rank, false) AS class_differs,
    coalesce(d.parameters_compared, 0) AS parameters_compared,
    coalesce(d.disputed_parameters_zh, CAST([] AS VARCHAR[])) AS disputed_parameters,
    coalesce(a.class_rank <> b.class_rank, false) OR coalesce(len(d.disputed_parameters_zh) > 0, false) AS disputed
FROM reports AS a
JOIN reports AS b ON b.section_code = a.section_code AND b.ts = a.ts AND b.side > 1
JOIN seeds.water_sections AS s ON s.section_code = a.section_code
LEFT JOIN seeds.water_classes AS ca ON ca.class_rank = a.class_rank
LEFT JOIN seeds.water_classes AS cb ON cb.class_rank = b.class_rank
LEFT JOIN disputes AS d ON d.section_code = a.section_code AND d.ts = a.ts AND d.province_b = b.reporting_province
WHERE a.side = 1

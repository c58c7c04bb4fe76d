-- Each province's report of a river reading (staging.water_province_reports), long form: one row per section x
-- time x reporting province x parameter, with the GB 3838 class of the value (the parameters the section's water body
-- is classed on, seeds.water_evaluated_parameters, a lake's TP on the lake limits; a value outside its plausible
-- range, seeds.quality_ranges, is shown but not classed).
-- used: this report is the value the statistics use (the one in staging.water_readings; the rule:
-- assets/water/report_choice.py). side: 1 = the report used (or, when neither is, the first province by name), 2 ...
-- the others. Only sections and times that two or more provinces reported.
-- materialized: view
-- partitioned: day
WITH reports AS (
    SELECT r.*, w.batch_id IS NOT NULL AS used
    FROM (SELECT * FROM staging.water_province_reports WHERE in_input_hours(ts)) AS r
    LEFT JOIN (SELECT section_code, ts, batch_id FROM staging.water_readings WHERE in_input_hours(ts)) AS w
        ON w.section_code = r.section_code AND w.ts = r.ts AND w.batch_id = r.batch_id
    QUALIFY count(*) OVER (PARTITION BY r.section_code, r.ts) >= 2
),
sided AS (
    SELECT *, row_number() OVER (PARTITION BY section_code, ts ORDER BY used DESC, reporting_province ASC) AS side
    FROM reports
),
long AS (
    UNPIVOT (SELECT section_code, ts, reporting_province, used, side, reported_class, batch_id,
                    water_temp, ph, dissolved_oxygen, conductivity, turbidity, codmn, ammonia_nitrogen,
                    total_phosphorus, total_nitrogen FROM sided)
    ON water_temp, ph, dissolved_oxygen, conductivity, turbidity, codmn, ammonia_nitrogen, total_phosphorus,
       total_nitrogen
    INTO NAME parameter VALUE value
)
SELECT
    l.section_code,
    l.ts,
    CAST(l.ts - INTERVAL 1 HOUR AS DATE) AS day,
    l.reporting_province,
    l.used,
    l.side,
    l.reported_class,
    l.batch_id,
    l.parameter,
    p.name_zh,
    l.value,
    l.value BETWEEN q.plausible_min AND q.plausible_max AS plausible,
    CASE WHEN c.parameter IS NOT NULL AND l.value BETWEEN q.plausible_min AND q.plausible_max
         THEN gb3838_class_rank(l.value, c.direction, c.class_i, c.class_ii, c.class_iii, c.class_iv, c.class_v)
    END AS class_rank
FROM long AS l
JOIN seeds.water_parameters AS p USING (parameter)
JOIN seeds.quality_ranges AS q ON q.dataset = 'water_readings' AND q.parameter = l.parameter
LEFT JOIN seeds.water_sections AS s ON s.section_code = l.section_code
LEFT JOIN seeds.water_evaluated_parameters AS e
    ON e.water_body = coalesce(s.water_body, 'river') AND e.parameter = l.parameter AND e.role = 'class'
LEFT JOIN seeds.water_class_limits_gb3838 AS c ON c.parameter = e.limits

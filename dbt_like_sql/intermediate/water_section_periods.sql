-- River section per day (natural day, 01:00-24:00 CST) and per month (period = 'day' | 'month', period_start its
-- first day): the arithmetic means of the period's valid readings, their GB 3838 single-factor class, the target
-- class and compliance (class at least as good as the target), main pollutants (worst three above class III) with
-- exceedance multiples, and readings_used. A period with readings but no valid evaluated value has water_class and
-- compliant NULL. water_body: river or lake (湖库, classed on the lake TP limits); total_nitrogen_class: a lake's TN
-- classed on its own, not part of water_class (NULL for rivers). The marts water_section_daily and
-- water_section_monthly are its two halves.
-- materialized: view
-- partitioned: periods (first_day, last_day)
WITH readings AS (
    SELECT section_code, ts FROM staging.water_readings WHERE in_input_hours(ts)
),
periods AS (
    SELECT DISTINCT section_code, 'day' AS period, CAST(ts - INTERVAL 1 HOUR AS DATE) AS period_start,
           CAST(ts - INTERVAL 1 HOUR AS DATE) AS first_day, CAST(ts - INTERVAL 1 HOUR AS DATE) AS last_day
    FROM readings
    UNION ALL
    SELECT DISTINCT section_code, 'month', CAST(date_trunc('month', ts - INTERVAL 1 HOUR) AS DATE),
           CAST(date_trunc('month', ts - INTERVAL 1 HOUR) AS DATE),
           last_day(CAST(date_trunc('month', ts - INTERVAL 1 HOUR) AS DATE))
    FROM readings
)
SELECT
    p.period,
    p.section_code,
    s.name AS section_name,
    s.river,
    s.province,
    s.area,
    s.water_body,
    p.period_start,
    p.first_day,
    p.last_day,
    c.water_class,
    s.target_class,
    c.class_rank <= t.class_rank AS compliant,
    c.main_pollutants,
    coalesce(w.readings_used, 0) AS readings_used,
    c.class_rank,
    c.status_zh,
    c.main_pollutants_zh,
    c.worst_parameters,
    c.missing_parameters,
    c.codmn_multiple, c.ammonia_nitrogen_multiple, c.total_phosphorus_multiple,
    c.ph_class, c.dissolved_oxygen_class, c.codmn_class, c.ammonia_nitrogen_class, c.total_phosphorus_class,
    c.total_nitrogen_class,
    w.water_temp, w.ph, w.dissolved_oxygen, w.conductivity, w.turbidity,
    w.codmn, w.ammonia_nitrogen, w.total_phosphorus, w.total_nitrogen,
    s.is_border_section,
    s.illustrative
FROM periods AS p
JOIN seeds.water_sections AS s USING (section_code)
LEFT JOIN seeds.water_classes AS t ON t.water_class = s.target_class
LEFT JOIN (SELECT * FROM intermediate.water_period_class WHERE overlaps_input(first_day, last_day)) AS c
    ON c.period = p.period AND c.subject = p.section_code AND c.period_start = CAST(p.period_start AS TIMESTAMP)
LEFT JOIN intermediate.water_period_wide AS w
    ON w.period = p.period AND w.subject = p.section_code AND w.period_start = CAST(p.period_start AS TIMESTAMP)

-- GB 3838 class of every river reading (section x time): the class of each evaluated parameter (pH, DO, CODMn,
-- NH3-N, TP) and the single-factor class water_class (I, II, III, IV, V, 劣V) with the worst parameter(s).
-- water_class is NULL when no evaluated parameter has a valid value; missing_parameters lists those not judged.
-- water_body: river or lake (湖库: TP on the lake limits of GB 3838); total_nitrogen_class: a lake's TN classed on its
-- own (NULL for rivers), never part of water_class. reported_class: the class the file stated (水质类别, e.g. the
-- national platform's), shown beside ours and never used.
-- partitioned: day
WITH readings AS (
    SELECT section_code, ts, any_value(reported_class) AS reported_class
    FROM staging.water_readings
    WHERE in_input_hours(ts)
    GROUP BY section_code, ts
)
SELECT
    r.section_code,
    s.name AS section_name,
    s.river,
    s.province,
    s.area,
    s.water_body,
    r.ts,
    CAST(r.ts - INTERVAL 1 HOUR AS DATE) AS day,
    w.water_temp, w.ph, w.dissolved_oxygen, w.conductivity, w.turbidity,
    w.codmn, w.ammonia_nitrogen, w.total_phosphorus, w.total_nitrogen,
    c.ph_class, c.dissolved_oxygen_class, c.codmn_class, c.ammonia_nitrogen_class, c.total_phosphorus_class,
    c.water_class,
    c.total_nitrogen_class,
    r.reported_class,
    c.class_rank,
    c.worst_parameters,
    c.missing_parameters,
    s.target_class,
    c.class_rank <= t.class_rank AS compliant
FROM readings AS r
JOIN seeds.water_sections AS s USING (section_code)
LEFT JOIN seeds.water_classes AS t ON t.water_class = s.target_class
LEFT JOIN (
    SELECT * FROM intermediate.water_period_class WHERE period = 'reading' AND overlaps_input(first_day, last_day)
) AS c
    ON c.subject = r.section_code AND c.period_start = r.ts
LEFT JOIN intermediate.water_period_wide AS w
    ON w.period = 'reading' AND w.subject = r.section_code AND w.period_start = r.ts

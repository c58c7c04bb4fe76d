-- River values the classes may use, one row per section x time x parameter (long form). Left out: a value outside
-- its plausible range (seeds.quality_ranges: negative, the -999 sentinel, pH beyond 0-14) and a value whose quality
-- flag invalidates it (staging.water_value_flags of the staged batch: sentinel, spike, stuck probe...). A missing
-- value never counts as a good one. pH 5.5 or 9.5 are real values (and 劣V), not implausible ones.
-- materialized: view
-- partitioned: day
WITH long AS (
    UNPIVOT (SELECT * FROM staging.water_readings WHERE in_input_hours(ts))
    ON water_temp, ph, dissolved_oxygen, conductivity, turbidity, codmn, ammonia_nitrogen, total_phosphorus,
       total_nitrogen
    INTO NAME parameter VALUE value
),
invalid AS (
    SELECT DISTINCT f.section_code, f.ts, f.parameter, f.batch_id
    FROM staging.water_value_flags AS f
    JOIN seeds.quality_flags AS q ON q.flag_code = f.flag_code AND q.invalidates
    WHERE in_input_hours(f.ts)
)
SELECT
    l.section_code,
    l.ts,
    CAST(l.ts - INTERVAL 1 HOUR AS DATE) AS day,
    CAST(date_trunc('month', l.ts - INTERVAL 1 HOUR) AS DATE) AS month,
    l.parameter,
    l.value
FROM long AS l
JOIN seeds.quality_ranges AS r ON r.dataset = 'water_readings' AND r.parameter = l.parameter
ANTI JOIN invalid AS i
    ON i.section_code = l.section_code AND i.ts = l.ts AND i.parameter = l.parameter AND i.batch_id = l.batch_id
WHERE l.value BETWEEN r.plausible_min AND r.plausible_max

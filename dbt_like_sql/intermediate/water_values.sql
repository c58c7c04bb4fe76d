-- River values the classes may use, one row per section x time x parameter (long form). A value outside its
-- plausible range in seeds.water_parameters (negative, the -999 sentinel, pH beyond 0-14) is left out: a missing
-- value never counts as a good one. pH 5.5 or 9.5 are real values (and 劣V), not implausible ones.
-- materialized: view
WITH long AS (
    UNPIVOT staging.water_readings
    ON water_temp, ph, dissolved_oxygen, conductivity, turbidity, codmn, ammonia_nitrogen, total_phosphorus, total_nitrogen
    INTO NAME parameter VALUE value
)
SELECT
    l.section_code,
    l.ts,
    CAST(l.ts - INTERVAL 1 HOUR AS DATE) AS day,
    CAST(date_trunc('month', l.ts - INTERVAL 1 HOUR) AS DATE) AS month,
    l.parameter,
    l.value
FROM long AS l
JOIN seeds.water_parameters AS p USING (parameter)
WHERE l.value BETWEEN p.plausible_min AND p.plausible_max

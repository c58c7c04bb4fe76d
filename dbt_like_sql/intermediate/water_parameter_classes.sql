-- GB 3838-2002 class of each evaluated parameter's value (single factor), per subject and period.
-- Evaluated for rivers: the parameters marked 'yes' in seeds.water_class_limits_gb3838 (pH, DO, CODMn, NH3-N, TP;
-- TN and the river/lake TP variants are excluded there). DO is a minimum (the value must reach the limit); pH must
-- lie in the range of its direction ('range 6-9') for every class, else 劣V (macro gb3838_class_rank, shared with
-- the two provinces' reports). class_rank 1..6 = I..劣V.
-- exceedance_multiple = (C - class III limit) / class III limit when above it; not for DO and pH (STANDARDS §5).
-- partitioned: periods (first_day, last_day)
SELECT
    m.period,
    m.subject,
    m.period_start,
    m.first_day,
    m.last_day,
    m.parameter,
    p.name_zh,
    m.value,
    m.n,
    gb3838_class_rank(m.value, l.direction, l.class_i, l.class_ii, l.class_iii, l.class_iv, l.class_v) AS class_rank,
    CASE WHEN l.direction = 'max' AND m.value > l.class_iii
         THEN round((m.value - l.class_iii) / l.class_iii, 2) END AS exceedance_multiple
FROM intermediate.water_period_means AS m
JOIN seeds.water_class_limits_gb3838 AS l USING (parameter)
JOIN seeds.water_parameters AS p USING (parameter)
WHERE l.evaluated_for_rivers = 'yes' AND overlaps_input(m.first_day, m.last_day)

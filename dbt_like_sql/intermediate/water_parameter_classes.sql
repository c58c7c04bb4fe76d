-- GB 3838-2002 class of each evaluated parameter's value (single factor), per subject and period.
-- Which parameters are evaluated, and on which row of seeds.water_class_limits_gb3838, depends on the water body
-- (seeds.water_evaluated_parameters): a river section (and a river's mean of sections) on pH, DO, CODMn, NH3-N and
-- the river TP limits; a lake or reservoir section (water_sections.water_body = 'lake', 湖库) on the same with the
-- lake TP limits, and its TN classed on its own (role 'separate': shown, never part of the class). DO is a minimum;
-- pH must lie in the range of its direction ('range 6-9') for every class, else 劣V (macro gb3838_class_rank, shared
-- with the two provinces' reports). class_rank 1..6 = I..劣V.
-- exceedance_multiple = (C - class III limit) / class III limit when above it; not for DO and pH (STANDARDS §5).
-- partitioned: periods (first_day, last_day)
WITH m AS (
    SELECT m.*, coalesce(s.water_body, 'river') AS water_body
    FROM intermediate.water_period_means AS m
    LEFT JOIN seeds.water_sections AS s ON m.period <> 'river_month' AND s.section_code = m.subject
    WHERE overlaps_input(m.first_day, m.last_day)
)
SELECT
    m.period,
    m.subject,
    m.period_start,
    m.first_day,
    m.last_day,
    m.water_body,
    m.parameter,
    p.name_zh,
    e.role,
    e.limits,
    m.value,
    m.n,
    gb3838_class_rank(m.value, l.direction, l.class_i, l.class_ii, l.class_iii, l.class_iv, l.class_v) AS class_rank,
    CASE WHEN l.direction = 'max' AND m.value > l.class_iii
         THEN round((m.value - l.class_iii) / l.class_iii, 2) END AS exceedance_multiple
FROM m
JOIN seeds.water_evaluated_parameters AS e ON e.water_body = m.water_body AND e.parameter = m.parameter
JOIN seeds.water_class_limits_gb3838 AS l ON l.parameter = e.limits
JOIN seeds.water_parameters AS p ON p.parameter = m.parameter

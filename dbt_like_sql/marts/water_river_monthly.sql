-- River evaluation per month (STANDARDS §5): with at least min_sections assessed sections (seeds.water_river_status,
-- 5; blank bounds are open) the status follows the shares of class I-III and 劣V sections; with fewer, each parameter is averaged over the
-- sections and classed by single factor (mean_water_class). Also the compliance rate (compliant / assessed).
-- partitioned: periods (month, last_day(month))
WITH sm AS (
    SELECT * FROM marts.water_section_monthly WHERE water_class IS NOT NULL AND overlaps_input(month, last_day(month))
),
r AS (
    SELECT
        river,
        month,
        count(*) AS sections_assessed,
        count(*) FILTER (WHERE class_rank <= 3) AS sections_i_iii,
        count(*) FILTER (WHERE water_class = '劣V') AS sections_inferior_v,
        count(*) FILTER (WHERE compliant) AS sections_compliant,
        list(section_code ORDER BY section_code) FILTER (WHERE NOT compliant) AS non_compliant_sections
    FROM sm
    GROUP BY ALL
),
shares AS (
    SELECT *,
        sections_i_iii / sections_assessed AS share_i_iii,
        sections_inferior_v / sections_assessed AS share_inferior_v,
        sections_compliant / sections_assessed AS compliance_rate
    FROM r
),
by_share AS (
    SELECT s.river, s.month, arg_min(st.status_zh, st.rank) AS status_zh, arg_min(st.status_en, st.rank) AS status_en
    FROM shares AS s
    JOIN seeds.water_river_status AS st
      ON s.sections_assessed >= st.min_sections
     AND (st.good_share_min IS NULL OR s.share_i_iii >= st.good_share_min)
     AND (st.good_share_max IS NULL OR s.share_i_iii < st.good_share_max)
     AND (st.worse_v_share_min IS NULL OR s.share_inferior_v >= st.worse_v_share_min)
     AND (st.worse_v_share_max IS NULL OR s.share_inferior_v < st.worse_v_share_max)
    GROUP BY ALL
),
by_mean AS (
    SELECT c.subject AS river, CAST(c.period_start AS DATE) AS month, c.water_class, c.status_zh, k.status_en,
           c.main_pollutants, c.missing_parameters
    FROM intermediate.water_period_class AS c
    JOIN seeds.water_classes AS k USING (class_rank)
    WHERE c.period = 'river_month' AND overlaps_input(c.first_day, c.last_day)
)
SELECT
    s.river,
    s.month,
    s.sections_assessed,
    s.sections_compliant,
    s.compliance_rate,
    s.non_compliant_sections,
    s.share_i_iii,
    s.share_inferior_v,
    CASE WHEN b.river IS NOT NULL THEN 'section shares' ELSE 'mean of sections' END AS method,
    coalesce(b.status_zh, m.status_zh) AS river_status_zh,
    coalesce(b.status_en, m.status_en) AS river_status_en,
    m.water_class AS mean_water_class,
    m.main_pollutants AS mean_main_pollutants
FROM shares AS s
LEFT JOIN by_share AS b USING (river, month)
LEFT JOIN by_mean AS m USING (river, month)

-- Section compliance per province and month: sections assessed, compliant, compliance rate, and the shares of class
-- I-III and 劣V sections (STANDARDS §5).
-- partitioned: periods (month, last_day(month))
SELECT
    province,
    month,
    count(*) AS sections_assessed,
    count(*) FILTER (WHERE compliant) AS sections_compliant,
    count(*) FILTER (WHERE compliant) / count(*) AS compliance_rate,
    count(*) FILTER (WHERE class_rank <= 3) / count(*) AS share_i_iii,
    count(*) FILTER (WHERE water_class = '劣V') / count(*) AS share_inferior_v,
    list(section_code ORDER BY section_code) FILTER (WHERE NOT compliant) AS non_compliant_sections
FROM marts.water_section_monthly
WHERE water_class IS NOT NULL AND overlaps_input(month, last_day(month))
GROUP BY ALL

-- Surface-water compliance per month at every level the joint river-chief system reports (GB 3838 single factor,
-- STANDARDS §5): scope 'section' (class, target, 达标 or not, main pollutants), 'river' (compliance rate and river
-- status), 'province' and 'region' (川南渝西: compliance rate over all assessed sections). compliance_rate is
-- compliant / assessed sections (0-1); sections without a class that month are not assessed.
-- materialized: view
-- partitioned: periods (month, last_day(month))
WITH sections AS (
    SELECT * FROM marts.water_section_monthly WHERE overlaps_input(month, last_day(month))
),
region AS (
    SELECT
        month,
        count(*) FILTER (WHERE water_class IS NOT NULL) AS sections_assessed,
        count(*) FILTER (WHERE compliant) AS sections_compliant
    FROM sections
    GROUP BY month
)
SELECT
    'section' AS scope, section_code AS code, section_name AS name, river, province, month,
    CAST(water_class IS NOT NULL AS BIGINT) AS sections_assessed,
    CAST(coalesce(compliant, false) AS BIGINT) AS sections_compliant,
    CASE WHEN water_class IS NOT NULL THEN CAST(compliant AS DOUBLE) END AS compliance_rate,
    water_class, target_class, compliant, status_zh, main_pollutants, is_border_section
FROM sections
UNION ALL BY NAME
SELECT
    'river' AS scope, river AS code, river AS name, river, CAST(NULL AS VARCHAR) AS province, month,
    sections_assessed, sections_compliant, compliance_rate,
    mean_water_class AS water_class, river_status_zh AS status_zh
FROM marts.water_river_monthly
WHERE overlaps_input(month, last_day(month))
UNION ALL BY NAME
SELECT
    'province' AS scope, province AS code, province AS name, province, month,
    sections_assessed, sections_compliant, compliance_rate
FROM marts.water_province_monthly
WHERE overlaps_input(month, last_day(month))
UNION ALL BY NAME
SELECT
    'region' AS scope, '川南渝西' AS code, '川南渝西' AS name, month,
    sections_assessed, sections_compliant, sections_compliant / nullif(sections_assessed, 0) AS compliance_rate
FROM region

-- Cross-border scorecard (川渝跨界断面) per period: each month, the year to date through each month (1-M月累计) and
-- the year, like marts.air_region_stats, so that a monthly report holds its month only (issue 24: it showed the
-- whole year). For each section on a provincial border (seeds.water_sections is_border_section), the crossing it
-- belongs to (upstream section -> the next section downstream, across the border), the months assessed and
-- compliant, the worst monthly class and when, and the main pollutants of the months worse than class III
-- (main_pollutants_zh: their Chinese names from seeds.water_parameters, 总磷 not total_phosphorus).
-- materialized: view
-- partitioned: periods (period_start, period_end)
WITH border AS (
    SELECT
        s.section_code, s.border_role,
        CASE
            WHEN s.border_role = 'upstream' THEN s.section_code || '→' || s.next_section_code
            ELSE coalesce(up.section_code, '?') || '→' || s.section_code
        END AS crossing
    FROM seeds.water_sections AS s
    LEFT JOIN seeds.water_sections AS up ON up.next_section_code = s.section_code AND up.is_border_section
    WHERE s.is_border_section
),
monthly AS (
    SELECT m.*, b.crossing, b.border_role
    FROM marts.water_section_monthly AS m
    JOIN border AS b USING (section_code)
),
names AS (
    SELECT map(list(parameter), list(name_zh)) AS zh FROM seeds.water_parameters
),
periods AS (
    SELECT DISTINCT
        'month' AS period_kind,
        month AS period_start,
        last_day(month) AS period_end
    FROM monthly
    UNION
    SELECT DISTINCT
        'ytd' AS period_kind,
        make_date(year(month), 1, 1) AS period_start,
        last_day(month) AS period_end
    FROM monthly
    UNION
    SELECT DISTINCT
        'year' AS period_kind,
        make_date(year(month), 1, 1) AS period_start,
        make_date(year(month), 12, 31) AS period_end
    FROM monthly
)
SELECT
    pr.period_kind,
    pr.period_start,
    pr.period_end,
    year(pr.period_start) AS year,
    m.crossing,
    m.section_code,
    any_value(section_name) AS section_name,
    any_value(river) AS river,
    any_value(province) AS province,
    any_value(border_role) AS border_role,
    any_value(target_class) AS target_class,
    count(water_class) AS months_assessed,
    count(*) FILTER (WHERE compliant) AS months_compliant,
    count(*) FILTER (WHERE compliant) / nullif(count(water_class), 0) AS compliance_rate,
    arg_max(water_class, class_rank) AS worst_class,
    arg_max(month, class_rank * 100 + month(month)) AS worst_month,  -- the latest month of the worst class
    list_sort(list_distinct(flatten(list(main_pollutants) FILTER (WHERE main_pollutants IS NOT NULL))))
        AS main_pollutants,
    list_transform(list_sort(list_distinct(flatten(list(main_pollutants) FILTER (WHERE main_pollutants IS NOT NULL)))),
                   lambda p: coalesce(any_value(names.zh)[p], p)) AS main_pollutants_zh
FROM periods AS pr
INNER JOIN monthly AS m ON m.month BETWEEN pr.period_start AND pr.period_end
CROSS JOIN names
GROUP BY pr.period_kind, pr.period_start, pr.period_end, m.crossing, m.section_code

-- Each provincial border crossing per day: the last section before the border (upstream) and the first after it
-- (downstream) side by side, with their daily class and compliance, class_change (downstream rank minus upstream
-- rank: > 0 = worse after the crossing) and the evaluated parameters whose daily mean changed most across the border
-- (relative change, largest first). Same-day comparison: the travel time is shown, not applied (alerts lag it).
-- partitioned: day
WITH crossings AS (
    SELECT
        u.river, u.section_code AS upstream_code, u.name AS upstream_name, u.province AS upstream_province,
        d.section_code AS downstream_code, d.name AS downstream_name, d.province AS downstream_province,
        u.travel_time_hours
    FROM seeds.water_sections AS u
    JOIN seeds.water_sections AS d ON d.section_code = u.next_section_code
    WHERE u.border_role = 'upstream' AND d.border_role = 'downstream' AND u.province <> d.province
),
days AS (
    SELECT x.*, sd.day
    FROM crossings AS x
    JOIN marts.water_section_daily AS sd ON sd.section_code IN (x.upstream_code, x.downstream_code)
    WHERE in_input_days(sd.day)
    GROUP BY ALL
),
changes AS (
    SELECT
        x.upstream_code,
        x.downstream_code,
        CAST(cu.period_start AS DATE) AS day,
        cu.parameter,
        cu.name_zh,
        (cd.value - cu.value) / nullif(cu.value, 0) AS relative_change
    FROM crossings AS x
    JOIN intermediate.water_parameter_classes AS cu
      ON cu.period = 'day' AND cu.subject = x.upstream_code AND overlaps_input(cu.first_day, cu.last_day)
    JOIN intermediate.water_parameter_classes AS cd
      ON cd.period = 'day' AND cd.subject = x.downstream_code
     AND cd.period_start = cu.period_start AND cd.parameter = cu.parameter
),
top_changes AS (
    SELECT
        upstream_code, downstream_code, day,
        (list(parameter ORDER BY abs(relative_change) DESC NULLS LAST, parameter))[1:3] AS most_changed_parameters,
        array_to_string(
            (list(printf('%s %+.0f%%', name_zh, 100 * relative_change)
                ORDER BY abs(relative_change) DESC NULLS LAST, parameter)
                FILTER (WHERE relative_change IS NOT NULL))[1:3],
            '、'
        ) AS most_changed_zh
    FROM changes
    GROUP BY ALL
)
SELECT
    d.river,
    d.upstream_code || ' → ' || d.downstream_code AS crossing,
    d.upstream_province || ' → ' || d.downstream_province AS direction,
    d.day,
    d.upstream_code, d.upstream_name, u.water_class AS upstream_class, u.target_class AS upstream_target,
    u.compliant AS upstream_compliant, u.main_pollutants AS upstream_main_pollutants,
    d.downstream_code, d.downstream_name, w.water_class AS downstream_class, w.target_class AS downstream_target,
    w.compliant AS downstream_compliant, w.main_pollutants AS downstream_main_pollutants,
    w.class_rank - u.class_rank AS class_change,
    t.most_changed_parameters,
    t.most_changed_zh,
    d.travel_time_hours
FROM days AS d
LEFT JOIN marts.water_section_daily AS u ON u.section_code = d.upstream_code AND u.day = d.day
LEFT JOIN marts.water_section_daily AS w ON w.section_code = d.downstream_code AND w.day = d.day
LEFT JOIN top_changes AS t
    ON t.upstream_code = d.upstream_code AND t.downstream_code = d.downstream_code AND t.day = d.day

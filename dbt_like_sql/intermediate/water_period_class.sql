-- Single-factor class per subject and period: the worst evaluated parameter decides (STANDARDS §5).
-- Only parameters with a value take part, so a missing parameter can only leave the class unknown or as bad as the
-- others make it, never better: missing_parameters lists what was not there to judge. Sections worse than III get
-- their main pollutants (主要污染指标): the worst three parameters above class III, by class then exceedance multiple.
-- partitioned: periods (first_day, last_day)
WITH expected AS (
    SELECT list(l.parameter ORDER BY l.parameter) AS parameters
    FROM seeds.water_class_limits_gb3838 AS l
    JOIN seeds.water_parameters USING (parameter)
    WHERE l.evaluated_for_rivers = 'yes'
),
c AS (
    SELECT *, max(class_rank) OVER (PARTITION BY period, subject, period_start) AS worst
    FROM intermediate.water_parameter_classes
    WHERE overlaps_input(first_day, last_day)
),
agg AS (
    SELECT
        period,
        subject,
        period_start,
        first_day,
        last_day,
        max(class_rank) AS class_rank,
        list(parameter ORDER BY parameter) FILTER (WHERE class_rank = worst) AS worst_parameters,
        list(parameter ORDER BY parameter) AS evaluated_parameters,
        (list(parameter ORDER BY class_rank DESC, exceedance_multiple DESC NULLS LAST, parameter ASC)
            FILTER (WHERE class_rank > 3))[1:3] AS main_pollutants,
        string_agg(name_zh || coalesce('(' || CAST(exceedance_multiple AS VARCHAR) || ')', ''), '、'
            ORDER BY class_rank DESC, exceedance_multiple DESC NULLS LAST, parameter ASC) FILTER (WHERE class_rank > 3)
            AS main_pollutants_all_zh,
        max(exceedance_multiple) FILTER (WHERE parameter = 'codmn') AS codmn_multiple,
        max(exceedance_multiple) FILTER (WHERE parameter = 'ammonia_nitrogen') AS ammonia_nitrogen_multiple,
        max(exceedance_multiple) FILTER (WHERE parameter = 'total_phosphorus') AS total_phosphorus_multiple,
        max(class_rank) FILTER (WHERE parameter = 'ph') AS ph_rank,
        max(class_rank) FILTER (WHERE parameter = 'dissolved_oxygen') AS dissolved_oxygen_rank,
        max(class_rank) FILTER (WHERE parameter = 'codmn') AS codmn_rank,
        max(class_rank) FILTER (WHERE parameter = 'ammonia_nitrogen') AS ammonia_nitrogen_rank,
        max(class_rank) FILTER (WHERE parameter = 'total_phosphorus') AS total_phosphorus_rank
    FROM c
    GROUP BY ALL
)
SELECT
    a.period,
    a.subject,
    a.period_start,
    a.first_day,
    a.last_day,
    a.class_rank,
    k.water_class,
    k.status_zh,
    a.worst_parameters,
    a.evaluated_parameters,
    list_filter(e.parameters, lambda x: NOT list_contains(a.evaluated_parameters, x)) AS missing_parameters,
    CASE WHEN a.class_rank > 3 THEN a.main_pollutants END AS main_pollutants,
    CASE WHEN a.class_rank > 3 THEN array_to_string(
        (string_split(a.main_pollutants_all_zh, '、'))[1:3], '、') END AS main_pollutants_zh,
    a.codmn_multiple,
    a.ammonia_nitrogen_multiple,
    a.total_phosphorus_multiple,
    (SELECT water_class FROM seeds.water_classes WHERE class_rank = a.ph_rank) AS ph_class,
    (SELECT water_class FROM seeds.water_classes WHERE class_rank = a.dissolved_oxygen_rank) AS dissolved_oxygen_class,
    (SELECT water_class FROM seeds.water_classes WHERE class_rank = a.codmn_rank) AS codmn_class,
    (SELECT water_class FROM seeds.water_classes WHERE class_rank = a.ammonia_nitrogen_rank) AS ammonia_nitrogen_class,
    (SELECT water_class FROM seeds.water_classes WHERE class_rank = a.total_phosphorus_rank) AS total_phosphorus_class
FROM agg AS a
CROSS JOIN expected AS e
JOIN seeds.water_classes AS k USING (class_rank)

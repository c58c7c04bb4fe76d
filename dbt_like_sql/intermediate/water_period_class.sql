-- Single-factor class per subject and period: the worst evaluated parameter decides (STANDARDS §5).
-- Only parameters with a value take part, so a missing parameter can only leave the class unknown or as bad as the
-- others make it, never better: missing_parameters lists what was not there to judge (of the parameters its water
-- body is classed on, seeds.water_evaluated_parameters). Sections worse than III get their main pollutants
-- (主要污染指标): the worst three parameters above class III, by class then exceedance multiple. A lake's TN
-- (role 'separate') is classed on its own in total_nitrogen_class and takes no part in the class.
-- partitioned: periods (first_day, last_day)
WITH expected AS (
    SELECT e.water_body, list(e.parameter ORDER BY e.parameter) AS parameters
    FROM seeds.water_evaluated_parameters AS e
    JOIN seeds.water_parameters USING (parameter)
    WHERE e.role = 'class'
    GROUP BY e.water_body
),
p AS (
    SELECT
        * EXCLUDE (class_rank, exceedance_multiple),
        CASE WHEN role = 'class' THEN class_rank END AS class_rank,
        CASE WHEN role = 'class' THEN exceedance_multiple END AS exceedance_multiple,
        CASE WHEN role = 'separate' THEN class_rank END AS separate_rank
    FROM intermediate.water_parameter_classes
    WHERE overlaps_input(first_day, last_day)
),
c AS (
    SELECT *, max(class_rank) OVER (PARTITION BY period, subject, period_start) AS worst FROM p
),
agg AS (
    SELECT
        period,
        subject,
        period_start,
        first_day,
        last_day,
        water_body,
        max(class_rank) AS class_rank,
        list(parameter ORDER BY parameter) FILTER (WHERE class_rank = worst) AS worst_parameters,
        list(parameter ORDER BY parameter) FILTER (WHERE role = 'class') AS evaluated_parameters,
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
        max(class_rank) FILTER (WHERE parameter = 'total_phosphorus') AS total_phosphorus_rank,
        max(separate_rank) FILTER (WHERE parameter = 'total_nitrogen') AS total_nitrogen_rank
    FROM c
    GROUP BY ALL
    HAVING max(class_rank) IS NOT NULL
)
SELECT
    a.period,
    a.subject,
    a.period_start,
    a.first_day,
    a.last_day,
    a.water_body,
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
    (SELECT water_class FROM seeds.water_classes WHERE class_rank = a.total_phosphorus_rank) AS total_phosphorus_class,
    (SELECT water_class FROM seeds.water_classes WHERE class_rank = a.total_nitrogen_rank) AS total_nitrogen_class
FROM agg AS a
JOIN expected AS e USING (water_body)
JOIN seeds.water_classes AS k USING (class_rank)

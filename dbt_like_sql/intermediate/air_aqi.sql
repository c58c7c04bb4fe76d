-- AQI per scale x subject x time from the IAQIs of intermediate.air_iaqi (HJ 633): AQI = max IAQI; primary
-- pollutant(s) = those with IAQI = AQI when AQI > 50, ties all listed in seeds.pollutants order; exceeding
-- pollutants (IAQI > 100) where the standard keeps them (2012). With a pollutant missing, the AQI comes from the
-- ones available and, where the standard sets partial_publish_min_aqi (2026: 100), is published only above it.
-- Level, category and colour from seeds.aqi_levels. One IAQI column per pollutant column for the marts.
WITH pollutant_count AS (
    SELECT count(DISTINCT pollutant) AS n FROM seeds.pollutants
),
per_subject AS (
    SELECT
        scale, subject, time,
        any_value(day) AS day,
        any_value(standard) AS standard,
        max(iaqi) FILTER (WHERE "column" = 'pm25') AS iaqi_pm25,
        max(iaqi) FILTER (WHERE "column" = 'pm10') AS iaqi_pm10,
        max(iaqi) FILTER (WHERE "column" = 'so2') AS iaqi_so2,
        max(iaqi) FILTER (WHERE "column" = 'no2') AS iaqi_no2,
        max(iaqi) FILTER (WHERE "column" = 'co') AS iaqi_co,
        max(iaqi) FILTER (WHERE "column" = 'o3') AS iaqi_o3,
        max(iaqi) FILTER (WHERE "column" = 'o3_8h') AS iaqi_o3_8h,
        max(iaqi) FILTER (WHERE "column" = 'o3_1h') AS iaqi_o3_1h,
        bool_or(exceeds_limit) FILTER (WHERE "column" = 'pm25') AS exceed_pm25,
        bool_or(exceeds_limit) FILTER (WHERE "column" = 'pm10') AS exceed_pm10,
        bool_or(exceeds_limit) FILTER (WHERE "column" = 'so2') AS exceed_so2,
        bool_or(exceeds_limit) FILTER (WHERE "column" = 'no2') AS exceed_no2,
        bool_or(exceeds_limit) FILTER (WHERE "column" = 'co') AS exceed_co,
        bool_or(exceeds_limit) FILTER (WHERE "column" = 'o3_8h') AS exceed_o3_8h,
        max(iaqi) AS aqi_available,
        coalesce(len(list_distinct(list(pollutant) FILTER (WHERE iaqi IS NOT NULL))), 0) AS pollutants_scored,
        list(published_name ORDER BY sort_order) FILTER (WHERE iaqi IS NOT NULL) AS names,
        list(iaqi ORDER BY sort_order) FILTER (WHERE iaqi IS NOT NULL) AS iaqis,
        any_value(exceeding_pollutant) AS exceeding_pollutant,
        any_value(partial_publish_min_aqi) AS partial_publish_min_aqi
    FROM intermediate.air_iaqi
    GROUP BY scale, subject, time
),
published AS (
    SELECT
        p.*,
        p.pollutants_scored = c.n AS complete,
        p.pollutants_scored = c.n OR p.partial_publish_min_aqi IS NULL
            OR p.aqi_available > p.partial_publish_min_aqi AS publishable
    FROM per_subject AS p, pollutant_count AS c
)
SELECT
    p.scale, p.subject, p.time, p.day, p.standard,
    p.iaqi_pm25, p.iaqi_pm10, p.iaqi_so2, p.iaqi_no2, p.iaqi_co, p.iaqi_o3, p.iaqi_o3_8h, p.iaqi_o3_1h,
    CASE WHEN p.publishable THEN p.aqi_available END AS aqi,
    CASE WHEN p.publishable AND p.aqi_available > 50
         THEN array_to_string(list_filter(p.names, lambda name, i: p.iaqis[i] = p.aqi_available), ',')
    END AS primary_pollutant,
    CASE WHEN p.publishable AND p.exceeding_pollutant
         THEN nullif(array_to_string(list_filter(p.names, lambda name, i: p.iaqis[i] > 100), ','), '')
    END AS exceeding_pollutants,
    p.complete,
    p.pollutants_scored,
    lv.level, lv.category_zh, lv.category_en, lv.color_hex AS color,
    p.exceed_pm25, p.exceed_pm10, p.exceed_so2, p.exceed_no2, p.exceed_co, p.exceed_o3_8h
FROM published AS p
LEFT JOIN seeds.aqi_levels AS lv ON p.publishable AND p.aqi_available BETWEEN lv.aqi_min AND lv.aqi_max

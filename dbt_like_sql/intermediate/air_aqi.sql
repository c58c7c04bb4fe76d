-- AQI per scale x subject x time from the IAQIs of intermediate.air_iaqi (HJ 633): AQI = max IAQI; primary
-- pollutant(s) = those with IAQI = AQI when AQI > 50, ties all listed in seeds.pollutants order (published names
-- from the seed; the column list is the marts' contract); exceeding
-- pollutants (IAQI > 100) where the standard keeps them (2012). With a pollutant missing, the AQI comes from the
-- ones available and, where the standard sets partial_publish_min_aqi (2026: 100), is published only above it.
-- Level, category and colour from seeds.aqi_levels. One IAQI column per pollutant column for the marts.
-- partitioned: day
WITH names AS (  -- published names by column (one row); the marts' columns are listed below in sort_order
    SELECT
        count(DISTINCT pollutant) AS n_pollutants,
        max(published_name) FILTER (WHERE "column" = 'pm25') AS pm25,
        max(published_name) FILTER (WHERE "column" = 'pm10') AS pm10,
        max(published_name) FILTER (WHERE "column" = 'so2') AS so2,
        max(published_name) FILTER (WHERE "column" = 'no2') AS no2,
        max(published_name) FILTER (WHERE "column" = 'co') AS co,
        max(published_name) FILTER (WHERE "column" = 'o3') AS o3,
        max(published_name) FILTER (WHERE "column" = 'o3_8h') AS o3_8h,
        max(published_name) FILTER (WHERE "column" = 'o3_1h') AS o3_1h
    FROM seeds.pollutants
),
per_subject AS (
    SELECT
        scale, subject, time, day,
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
        any_value(exceeding_pollutant) AS exceeding_pollutant,
        any_value(partial_publish_min_aqi) AS partial_publish_min_aqi
    FROM intermediate.air_iaqi
    GROUP BY scale, subject, time, day
),
counted AS (  -- pollutants with an IAQI (O3 counts once, whichever of its averagings was scored)
    SELECT
        p.*,
        (p.iaqi_pm25 IS NOT NULL)::INT + (p.iaqi_pm10 IS NOT NULL)::INT + (p.iaqi_so2 IS NOT NULL)::INT
            + (p.iaqi_no2 IS NOT NULL)::INT + (p.iaqi_co IS NOT NULL)::INT
            + (coalesce(p.iaqi_o3, p.iaqi_o3_8h, p.iaqi_o3_1h) IS NOT NULL)::INT AS pollutants_scored
    FROM per_subject AS p
),
published AS (
    SELECT
        p.*,
        p.pollutants_scored = n.n_pollutants AS complete,
        p.pollutants_scored = n.n_pollutants OR p.partial_publish_min_aqi IS NULL
            OR p.aqi_available > p.partial_publish_min_aqi AS publishable
    FROM counted AS p, names AS n
)
SELECT
    p.scale, p.subject, p.time, p.day, p.standard,
    p.iaqi_pm25, p.iaqi_pm10, p.iaqi_so2, p.iaqi_no2, p.iaqi_co, p.iaqi_o3, p.iaqi_o3_8h, p.iaqi_o3_1h,
    CASE WHEN p.publishable THEN p.aqi_available END AS aqi,
    CASE WHEN p.publishable AND p.aqi_available > 50 THEN concat_ws(',',
        CASE WHEN p.iaqi_pm25 = p.aqi_available THEN n.pm25 END,
        CASE WHEN p.iaqi_pm10 = p.aqi_available THEN n.pm10 END,
        CASE WHEN p.iaqi_so2 = p.aqi_available THEN n.so2 END,
        CASE WHEN p.iaqi_no2 = p.aqi_available THEN n.no2 END,
        CASE WHEN p.iaqi_co = p.aqi_available THEN n.co END,
        CASE WHEN p.iaqi_o3 = p.aqi_available THEN n.o3 END,
        CASE WHEN p.iaqi_o3_8h = p.aqi_available THEN n.o3_8h END,
        CASE WHEN p.iaqi_o3_1h = p.aqi_available THEN n.o3_1h END)
    END AS primary_pollutant,
    CASE WHEN p.publishable AND p.exceeding_pollutant THEN nullif(concat_ws(',',
        CASE WHEN p.iaqi_pm25 > 100 THEN n.pm25 END,
        CASE WHEN p.iaqi_pm10 > 100 THEN n.pm10 END,
        CASE WHEN p.iaqi_so2 > 100 THEN n.so2 END,
        CASE WHEN p.iaqi_no2 > 100 THEN n.no2 END,
        CASE WHEN p.iaqi_co > 100 THEN n.co END,
        CASE WHEN p.iaqi_o3 > 100 THEN n.o3 END,
        CASE WHEN p.iaqi_o3_8h > 100 THEN n.o3_8h END,
        CASE WHEN p.iaqi_o3_1h > 100 THEN n.o3_1h END), '')
    END AS exceeding_pollutants,
    p.complete,
    p.pollutants_scored,
    lv.level, lv.category_zh, lv.category_en, lv.color_hex AS color,
    p.exceed_pm25, p.exceed_pm10, p.exceed_so2, p.exceed_no2, p.exceed_co, p.exceed_o3_8h
FROM published AS p
CROSS JOIN names AS n
LEFT JOIN seeds.aqi_levels AS lv ON p.publishable AND p.aqi_available BETWEEN lv.aqi_min AND lv.aqi_max

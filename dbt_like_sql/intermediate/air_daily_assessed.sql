-- Daily values of every station and every area in one long form, ready for the HJ 663 period statistics.
-- scope = 'station' (code = station code) or 'area' (code = area). A daily value that failed its data-capture rule
-- is NULL here, so it neither counts towards capture nor enters a mean or percentile.
-- valid_day: the day has a publishable AQI: all six pollutants valid, or an AQI above the 良 level with some missing
-- (HJ 633-2026 publishes a partial AQI only when it is over 100). Only valid days enter the good-days ratio
-- (优良天数比例) and the days per level. level_rank orders seeds.aqi_levels (1 = 优 ... 6 = 严重污染).
-- materialized: view
-- partitioned: day
WITH daily AS (
    SELECT 'station' AS scope, station_code AS code, area, province, day, limits_standard,
           pm25, pm10, so2, no2, co, o3_8h_max,
           valid_pm25, valid_pm10, valid_so2, valid_no2, valid_co, valid_o3_8h, aqi,
           exceed_pm25, exceed_pm10, exceed_so2, exceed_no2, exceed_co, exceed_o3_8h
    FROM marts.air_station_daily
    WHERE in_input_days(day)
    UNION ALL
    SELECT 'area' AS scope, area AS code, area, province, day, limits_standard,
           pm25, pm10, so2, no2, co, o3_8h_max,
           valid_pm25, valid_pm10, valid_so2, valid_no2, valid_co, valid_o3_8h, aqi,
           exceed_pm25, exceed_pm10, exceed_so2, exceed_no2, exceed_co, exceed_o3_8h
    FROM marts.air_area_daily
    WHERE in_input_days(day)
),
levels AS (
    SELECT
        row_number() OVER (ORDER BY aqi_min) AS level_rank,
        aqi_min,
        lead(aqi_min, 1, 1e9) OVER (ORDER BY aqi_min) AS next_min
    FROM seeds.aqi_levels
),
ranked AS (
    SELECT d.*, l.level_rank
    FROM daily AS d
    LEFT JOIN levels AS l ON d.aqi >= l.aqi_min AND d.aqi < l.next_min
)
SELECT
    scope, code, area, province, day, limits_standard,
    CASE WHEN valid_pm25 THEN pm25 END AS pm25,
    CASE WHEN valid_pm10 THEN pm10 END AS pm10,
    CASE WHEN valid_so2 THEN so2 END AS so2,
    CASE WHEN valid_no2 THEN no2 END AS no2,
    CASE WHEN valid_co THEN co END AS co,
    CASE WHEN valid_o3_8h THEN o3_8h_max END AS o3_8h,
    aqi,
    level_rank,
    -- levels 1-2 (一级 优, 二级 良) are the good days; level 3 and above is over AQI 100.
    coalesce(aqi IS NOT NULL AND (level_rank > 2 OR (
        coalesce(valid_pm25, false) AND coalesce(valid_pm10, false) AND coalesce(valid_so2, false)
        AND coalesce(valid_no2, false) AND coalesce(valid_co, false) AND coalesce(valid_o3_8h, false)
    )), false) AS valid_day,
    coalesce(exceed_pm25, false) AS exceed_pm25,
    coalesce(exceed_pm10, false) AS exceed_pm10,
    coalesce(exceed_so2, false) AS exceed_so2,
    coalesce(exceed_no2, false) AS exceed_no2,
    coalesce(exceed_co, false) AS exceed_co,
    coalesce(exceed_o3_8h, false) AS exceed_o3_8h
FROM ranked

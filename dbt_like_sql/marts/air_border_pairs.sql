-- Both provinces' readings of one border, side by side (数据平台互联互通): for each pair of national stations across
-- the Sichuan-Chongqing border (seeds.air_border_pairs) and each natural day, PM2.5, PM10, O3 daily max 8-h and the
-- daily AQI of both sides, the difference (Sichuan minus Chongqing), and both sides' data capture (valid hours,
-- valid O3 8-h windows; a value that fails its capture rule is NULL and is not compared).
-- A dispute where the two sides disagree: a different AQI level, or a parameter whose difference exceeds its
-- tolerance (seeds.border_tolerances, dataset 'air'): |a - b| > max(relative x (a + b) / 2, absolute_floor).
-- partitioned: day
WITH pairs AS (
    SELECT p.pair_id, p.border, p.sichuan_code, s.name AS sichuan_name, s.area AS sichuan_area,
           p.chongqing_code, c.name AS chongqing_name, c.area AS chongqing_area,
           round(2 * 6371 * asin(sqrt(
               power(sin(radians(c.lat - s.lat) / 2), 2)
               + cos(radians(s.lat)) * cos(radians(c.lat)) * power(sin(radians(c.lon - s.lon) / 2), 2))), 1)
               AS distance_km
    FROM seeds.air_border_pairs AS p
    JOIN seeds.stations AS s ON s.code = p.sichuan_code
    JOIN seeds.stations AS c ON c.code = p.chongqing_code
),
daily AS (
    SELECT station_code, day, pm25, pm10, o3_8h_max AS o3_8h, aqi, level, hours_pm25, hours_pm10, o3_8h_windows
    FROM marts.air_station_daily
    WHERE in_input_days(day)
),
sides AS (
    SELECT p.*, d.day,
           s.pm25 AS sichuan_pm25, c.pm25 AS chongqing_pm25, s.pm10 AS sichuan_pm10, c.pm10 AS chongqing_pm10,
           s.o3_8h AS sichuan_o3_8h, c.o3_8h AS chongqing_o3_8h, s.aqi AS sichuan_aqi, c.aqi AS chongqing_aqi,
           s.level AS sichuan_level, c.level AS chongqing_level,
           s.hours_pm25 AS sichuan_hours_pm25, c.hours_pm25 AS chongqing_hours_pm25,
           s.hours_pm10 AS sichuan_hours_pm10, c.hours_pm10 AS chongqing_hours_pm10,
           s.o3_8h_windows AS sichuan_o3_8h_windows, c.o3_8h_windows AS chongqing_o3_8h_windows
    FROM pairs AS p
    JOIN (SELECT DISTINCT day FROM daily) AS d ON true
    LEFT JOIN daily AS s ON s.station_code = p.sichuan_code AND s.day = d.day
    LEFT JOIN daily AS c ON c.station_code = p.chongqing_code AND c.day = d.day
    WHERE s.day IS NOT NULL OR c.day IS NOT NULL
),
-- v is the struct column of unnest (u): v.a is its field a, not a column of a table v (RF01 reads it as a table)
-- noqa: disable=RF01
compared AS (
    SELECT x.pair_id, x.day, v.parameter,
           abs(v.a - v.b) > greatest(coalesce(t.relative, 0) * (v.a + v.b) / 2, coalesce(t.absolute_floor, 0)) AS beyond
    FROM sides AS x,
        unnest([
            {'parameter': 'pm25', 'a': x.sichuan_pm25, 'b': x.chongqing_pm25},
            {'parameter': 'pm10', 'a': x.sichuan_pm10, 'b': x.chongqing_pm10},
            {'parameter': 'o3_8h', 'a': x.sichuan_o3_8h, 'b': x.chongqing_o3_8h},
            {'parameter': 'aqi', 'a': CAST(x.sichuan_aqi AS DOUBLE), 'b': CAST(x.chongqing_aqi AS DOUBLE)}
        ]) AS u (v)
    JOIN seeds.border_tolerances AS t ON t.dataset = 'air' AND t.parameter = v.parameter
    WHERE v.a IS NOT NULL AND v.b IS NOT NULL
),
-- noqa: enable=RF01
disputes AS (
    SELECT pair_id, day,
           coalesce(list(parameter ORDER BY parameter) FILTER (WHERE beyond), CAST([] AS VARCHAR[]))
               AS disputed_parameters
    FROM compared
    GROUP BY ALL
)
SELECT
    x.pair_id, x.border, x.day,
    x.sichuan_code, x.sichuan_name, x.sichuan_area, x.chongqing_code, x.chongqing_name, x.chongqing_area,
    x.distance_km,
    x.sichuan_pm25, x.chongqing_pm25, x.sichuan_pm25 - x.chongqing_pm25 AS diff_pm25,
    x.sichuan_pm10, x.chongqing_pm10, x.sichuan_pm10 - x.chongqing_pm10 AS diff_pm10,
    x.sichuan_o3_8h, x.chongqing_o3_8h, x.sichuan_o3_8h - x.chongqing_o3_8h AS diff_o3_8h,
    x.sichuan_aqi, x.chongqing_aqi, x.sichuan_aqi - x.chongqing_aqi AS diff_aqi,
    x.sichuan_level, x.chongqing_level,
    x.sichuan_hours_pm25, x.chongqing_hours_pm25, x.sichuan_hours_pm10, x.chongqing_hours_pm10,
    x.sichuan_o3_8h_windows, x.chongqing_o3_8h_windows,
    coalesce(x.sichuan_level <> x.chongqing_level, false) AS level_differs,
    coalesce(d.disputed_parameters, CAST([] AS VARCHAR[])) AS disputed_parameters,
    coalesce(x.sichuan_level <> x.chongqing_level, false) OR len(d.disputed_parameters) > 0 AS disputed
FROM sides AS x
LEFT JOIN disputes AS d USING (pair_id, day)

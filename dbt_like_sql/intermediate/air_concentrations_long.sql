-- Every concentration the AQI scores, in one long format: scale (hour = station x hour, real-time method;
-- station_day; area_day; area_rolling = area x hour on the stations' moving 24-h / 8-h values, each counted only
-- with at least moving_24h_hours of its 24 hours, seeds.air_data_capture), subject (station
-- code or area), time, column (seeds.pollutants), the breakpoint column it is scored on (averaging) and the rules
-- of its day. alt_concentration is the value a standard may substitute above the top breakpoint (SO2 1-h > 800:
-- the SO2 24-h value; O3 8-h > 800: the O3 1-h value).
-- materialized: view
-- partitioned: day
WITH hour_values AS (
    SELECT h.station_code AS subject, h.ts AS time, h.day, h.pm25, h.pm10, h.so2, h.no2, h.co, h.o3,
           m.so2_24h AS so2_alt
    FROM intermediate.air_hourly_valid AS h
    LEFT JOIN (SELECT * FROM intermediate.air_hourly_moving WHERE in_input_days(day)) AS m USING (station_code, ts)
),
station_day_values AS (
    SELECT station_code AS subject, CAST(day AS TIMESTAMP) AS time, day, pm25, pm10, so2, no2, co,
           o3_8h_max AS o3_8h, o3_1h_max AS o3_1h, o3_1h_max AS o3_alt
    FROM intermediate.air_station_daily_values
    WHERE in_input_days(day)
),
area_day_values AS (
    SELECT area AS subject, CAST(day AS TIMESTAMP) AS time, day, pm25, pm10, so2, no2, co,
           o3_8h_max AS o3_8h, o3_1h_max AS o3_1h, o3_1h_max AS o3_alt
    FROM intermediate.air_area_daily_values
),
moving_capture AS (
    SELECT max(min_count) FILTER (WHERE rule = 'moving_24h_hours') AS hours FROM seeds.air_data_capture
),
area_rolling_values AS (  -- a station's moving value counts only with enough hours in its 24 (GB 3095 validity)
    SELECT s.area AS subject, m.ts AS time, any_value(m.day) AS day,
           avg(exact(CASE WHEN m.hours_pm25_24h >= c.hours THEN m.pm25_24h END)) AS pm25,
           avg(exact(CASE WHEN m.hours_pm10_24h >= c.hours THEN m.pm10_24h END)) AS pm10,
           avg(exact(CASE WHEN m.hours_so2_24h >= c.hours THEN m.so2_24h END)) AS so2,
           avg(exact(CASE WHEN m.hours_no2_24h >= c.hours THEN m.no2_24h END)) AS no2,
           avg(exact(CASE WHEN m.hours_co_24h >= c.hours THEN m.co_24h END)) AS co,
           avg(exact(CASE WHEN m.hours_o3_24h >= c.hours THEN m.o3_8h_max_24h END)) AS o3_8h
    FROM intermediate.air_hourly_moving AS m
    JOIN seeds.stations AS s ON s.code = m.station_code
    CROSS JOIN moving_capture AS c
    WHERE in_input_days(m.day)
    GROUP BY s.area, m.ts
),
long AS (
    SELECT 'hour' AS scale, subject, time, day, "column", concentration,
           CASE WHEN "column" = 'so2' THEN so2_alt END AS alt_concentration
    FROM (UNPIVOT hour_values ON pm25, pm10, so2, no2, co, o3 INTO NAME "column" VALUE concentration)
    UNION ALL
    SELECT 'station_day', subject, time, day, "column", concentration,
           CASE WHEN "column" = 'o3_8h' THEN o3_alt END
    FROM (UNPIVOT station_day_values ON pm25, pm10, so2, no2, co, o3_8h, o3_1h INTO NAME "column" VALUE concentration)
    UNION ALL
    SELECT 'area_day', subject, time, day, "column", concentration,
           CASE WHEN "column" = 'o3_8h' THEN o3_alt END
    FROM (UNPIVOT area_day_values ON pm25, pm10, so2, no2, co, o3_8h, o3_1h INTO NAME "column" VALUE concentration)
    UNION ALL
    SELECT 'area_rolling', subject, time, day, "column", concentration, NULL
    FROM (UNPIVOT area_rolling_values ON pm25, pm10, so2, no2, co, o3_8h INTO NAME "column" VALUE concentration)
)
SELECT
    l.scale, l.subject, l.time, l.day, l."column", l.concentration, l.alt_concentration,
    p.pollutant, p.published_name, p.sort_order, p.rounding_unit,
    CASE WHEN l.scale = 'hour' THEN p.hourly_averaging ELSE p.daily_averaging END AS averaging,
    CASE WHEN l.scale IN ('station_day', 'area_day') THEN p.daily_limit END AS limit_averaging,
    r.standard, r.round_inputs, r.so2_1h_above_800, r.o3_8h_above_800, r.partial_publish_min_aqi,
    r.exceeding_pollutant
FROM long AS l
JOIN seeds.pollutants AS p USING ("column")
JOIN intermediate.air_rules_by_day AS r USING (day)
WHERE (CASE WHEN l.scale = 'hour' THEN p.hourly_averaging ELSE p.daily_averaging END) IS NOT NULL
  AND (l."column" <> 'o3_1h' OR r.daily_includes_o3_1h)

-- Hourly station values that the statistics may use: one row per station x hour, an invalid value set to NULL.
-- Invalid: a value with a quality flag that invalidates (staging.air_value_flags, codes in seeds.quality_flags:
-- sentinel, negative, implausible, unparsable, a day-long stuck value; suspect flags such as PM2.5 > PM10 keep it),
-- and any negative value.
-- materialized: view
-- partitioned: day
WITH invalid AS (
    SELECT
        f.station_code,
        f.ts,
        bool_or(f.pollutant = 'pm25') AS pm25,
        bool_or(f.pollutant = 'pm10') AS pm10,
        bool_or(f.pollutant = 'so2') AS so2,
        bool_or(f.pollutant = 'no2') AS no2,
        bool_or(f.pollutant = 'o3') AS o3,
        bool_or(f.pollutant = 'co') AS co
    FROM staging.air_value_flags AS f
    JOIN seeds.quality_flags AS q ON q.flag_code = f.flag_code AND q.invalidates
    WHERE in_input_hours(f.ts)
    GROUP BY f.station_code, f.ts
)
SELECT
    h.station_code,
    h.ts,
    CAST(h.ts - INTERVAL 1 HOUR AS DATE) AS day,
    CASE WHEN h.pm25 >= 0 AND NOT coalesce(i.pm25, false) THEN h.pm25 END AS pm25,
    CASE WHEN h.pm10 >= 0 AND NOT coalesce(i.pm10, false) THEN h.pm10 END AS pm10,
    CASE WHEN h.so2 >= 0 AND NOT coalesce(i.so2, false) THEN h.so2 END AS so2,
    CASE WHEN h.no2 >= 0 AND NOT coalesce(i.no2, false) THEN h.no2 END AS no2,
    CASE WHEN h.o3 >= 0 AND NOT coalesce(i.o3, false) THEN h.o3 END AS o3,
    CASE WHEN h.co >= 0 AND NOT coalesce(i.co, false) THEN h.co END AS co
FROM staging.air_hourly AS h
LEFT JOIN invalid AS i ON i.station_code = h.station_code AND i.ts = h.ts
WHERE in_input_hours(h.ts)

-- Hourly station values that the statistics may use: one row per station x hour, an invalid value set to NULL.
-- Invalid: negative values (including the -999 sentinel). Value-level quality flags refine this.
-- materialized: view
SELECT
    h.station_code,
    h.ts,
    CAST(h.ts - INTERVAL 1 HOUR AS DATE) AS day,
    CASE WHEN h.pm25 >= 0 THEN h.pm25 END AS pm25,
    CASE WHEN h.pm10 >= 0 THEN h.pm10 END AS pm10,
    CASE WHEN h.so2 >= 0 THEN h.so2 END AS so2,
    CASE WHEN h.no2 >= 0 THEN h.no2 END AS no2,
    CASE WHEN h.o3 >= 0 THEN h.o3 END AS o3,
    CASE WHEN h.co >= 0 THEN h.co END AS co
FROM staging.air_hourly AS h

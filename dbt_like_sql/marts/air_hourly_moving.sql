-- The platform's moving averages per station x hour (STANDARDS §3): pm25_24h ... co_24h (last 24 hourly values,
-- crossing days), o3_8h (same natural day, last 8 hours), o3_8h_24h (running max of o3_8h within the day).
-- materialized: view
-- partitioned: day
SELECT
    station_code, ts, day,
    pm25_24h, pm10_24h, so2_24h, no2_24h, co_24h, o3_8h, o3_8h_24h,
    hours_pm25_24h, hours_o3_8h
FROM intermediate.air_hourly_moving
WHERE in_input_days(day)

-- Moving averages per station x hour as the national platform publishes them (STANDARDS §3): the 24-h means of
-- the last 24 hourly values, crossing days (PM2.5_24h ...); O3_8h = mean of the same natural day's 1-h O3 over
-- the last 8 hours (restarts at 01:00); O3_8h_24h = running maximum of O3_8h within the natural day. Means are of
-- the valid values present (the platform publishes them without a capture rule). o3_8h_max_24h (max of O3_8h
-- over the last 24 hours, crossing days) is for the rolling area AQI.
-- partitioned: day, lookback 1 day
WITH moving AS (
    SELECT
        station_code,
        ts,
        day,
        avg(exact(pm25)) OVER last24 AS pm25_24h,
        avg(exact(pm10)) OVER last24 AS pm10_24h,
        avg(exact(so2)) OVER last24 AS so2_24h,
        avg(exact(no2)) OVER last24 AS no2_24h,
        avg(exact(co)) OVER last24 AS co_24h,
        count(pm25) OVER last24 AS hours_pm25_24h,
        avg(exact(o3)) OVER same_day8 AS o3_8h,
        count(o3) OVER same_day8 AS hours_o3_8h
    FROM intermediate.air_hourly_valid
    WINDOW
        last24 AS (PARTITION BY station_code ORDER BY ts RANGE BETWEEN INTERVAL 23 HOURS PRECEDING AND CURRENT ROW),
        same_day8 AS (PARTITION BY station_code, day ORDER BY ts RANGE BETWEEN INTERVAL 7 HOURS PRECEDING AND CURRENT ROW)
)
SELECT
    *,
    max(o3_8h) OVER (PARTITION BY station_code, day ORDER BY ts ROWS UNBOUNDED PRECEDING) AS o3_8h_24h,
    max(o3_8h) OVER (
        PARTITION BY station_code ORDER BY ts RANGE BETWEEN INTERVAL 23 HOURS PRECEDING AND CURRENT ROW
    ) AS o3_8h_max_24h
FROM moving

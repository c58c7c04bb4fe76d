-- Moving averages per station x hour as the national platform publishes them (STANDARDS §3): the 24-h means of
-- the last 24 hourly values, crossing days (PM2.5_24h ...); O3_8h = mean of the same natural day's 1-h O3 over
-- the last 8 hours (restarts at 01:00); O3_8h_24h = running maximum of O3_8h within the natural day. Means are of
-- the valid values present (the platform publishes them without a capture rule); hours_*_24h count them, so that
-- a reader can apply the GB 3095 validity rule (seeds.air_data_capture: moving_24h_hours). o3_8h_max_24h (max of
-- the O3_8h values with at least o3_8h_window_hours hours, over the last 24 hours, crossing days) is for the
-- rolling area AQI.
-- partitioned: day, lookback 1 day
WITH capture AS (
    SELECT max(min_count) FILTER (WHERE rule = 'o3_8h_window_hours') AS window_hours FROM seeds.air_data_capture
),
moving AS (
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
        count(pm10) OVER last24 AS hours_pm10_24h,
        count(so2) OVER last24 AS hours_so2_24h,
        count(no2) OVER last24 AS hours_no2_24h,
        count(co) OVER last24 AS hours_co_24h,
        count(o3) OVER last24 AS hours_o3_24h,
        avg(exact(o3)) OVER same_day8 AS o3_8h,
        count(o3) OVER same_day8 AS hours_o3_8h
    FROM intermediate.air_hourly_valid
    WINDOW
        last24 AS (PARTITION BY station_code ORDER BY ts RANGE BETWEEN INTERVAL 23 HOURS PRECEDING AND CURRENT ROW),
        same_day8 AS (
            PARTITION BY station_code, day ORDER BY ts RANGE BETWEEN INTERVAL 7 HOURS PRECEDING AND CURRENT ROW
        )
)
SELECT
    m.*,
    max(m.o3_8h) OVER (PARTITION BY m.station_code, m.day ORDER BY m.ts ROWS UNBOUNDED PRECEDING) AS o3_8h_24h,
    max(CASE WHEN m.hours_o3_8h >= c.window_hours THEN m.o3_8h END) OVER (
        PARTITION BY m.station_code ORDER BY m.ts RANGE BETWEEN INTERVAL 23 HOURS PRECEDING AND CURRENT ROW
    ) AS o3_8h_max_24h
FROM moving AS m
CROSS JOIN capture AS c

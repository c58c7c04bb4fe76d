-- Station x natural day (D 01:00 ... D+1 00:00) concentrations with the GB 3095 table 4 / HJ 663 capture rules
-- (minimum counts in seeds.air_data_capture): a 24-h mean needs 20 hourly values; an O3 8-h window (17 windows
-- ending 08:00 ... 24:00 of the day) needs 6 hours; the O3 daily max 8-h needs 14 valid windows, or is valid anyway
-- when it exceeds the Grade II limit in force. A value that fails its rule is NULL; the counts stay.
-- partitioned: day
WITH capture AS (
    SELECT
        max(min_count) FILTER (WHERE rule = 'daily_mean_hours') AS daily_hours,
        max(min_count) FILTER (WHERE rule = 'o3_8h_window_hours') AS window_hours,
        max(min_count) FILTER (WHERE rule = 'o3_8h_daily_windows') AS daily_windows,
        max(min_count) FILTER (WHERE rule = 'o3_1h_daily_hours') AS o3_1h_hours
    FROM seeds.air_data_capture
),
hourly AS (
    SELECT station_code, ts, day, pm25, pm10, so2, no2, co, o3 FROM intermediate.air_hourly_valid
),
daily AS (
    SELECT
        station_code, day,
        avg(exact(pm25)) AS pm25, count(pm25) AS hours_pm25,
        avg(exact(pm10)) AS pm10, count(pm10) AS hours_pm10,
        avg(exact(so2)) AS so2, count(so2) AS hours_so2,
        avg(exact(no2)) AS no2, count(no2) AS hours_no2,
        avg(exact(co)) AS co, count(co) AS hours_co,
        max(o3) AS o3_1h_max, count(o3) AS hours_o3
    FROM hourly
    GROUP BY station_code, day
),
spine AS (  -- all 24 labels of each station-day, so that an hour with no row is a gap inside the windows
    SELECT d.station_code, d.day, CAST(d.day AS TIMESTAMP) + to_hours(r.h) AS ts
    FROM daily AS d, range(1, 25) AS r (h)
),
windows AS (
    SELECT
        s.station_code, s.day, s.ts,
        avg(exact(h.o3)) OVER w AS o3_8h,
        count(h.o3) OVER w AS hours
    FROM spine AS s
    LEFT JOIN hourly AS h USING (station_code, ts)
    WINDOW w AS (PARTITION BY s.station_code, s.day ORDER BY s.ts ROWS BETWEEN 7 PRECEDING AND CURRENT ROW)
),
o3_daily AS (
    SELECT
        w.station_code, w.day,
        count(*) FILTER (WHERE w.hours >= c.window_hours) AS o3_8h_windows,
        max(w.o3_8h) FILTER (WHERE w.hours >= c.window_hours) AS o3_8h_best
    FROM windows AS w, capture AS c
    WHERE w.ts >= CAST(w.day AS TIMESTAMP) + INTERVAL 8 HOUR
    GROUP BY w.station_code, w.day
),
flagged AS (
    SELECT
        d.*,
        o.o3_8h_windows,
        o.o3_8h_best,
        d.hours_pm25 >= c.daily_hours AS valid_pm25,
        d.hours_pm10 >= c.daily_hours AS valid_pm10,
        d.hours_so2 >= c.daily_hours AS valid_so2,
        d.hours_no2 >= c.daily_hours AS valid_no2,
        d.hours_co >= c.daily_hours AS valid_co,
        d.hours_o3 >= c.o3_1h_hours AS valid_o3_1h,
        o.o3_8h_best IS NOT NULL AND (
            o.o3_8h_windows >= c.daily_windows
            -- fewer windows: valid only when the maximum already exceeds the limit (as the standard evaluates it)
            OR eval_milli(o.o3_8h_best, r.round_inputs, 1) > to_milli(r.o3_8h_limit)
        ) AS valid_o3_8h
    FROM daily AS d
    JOIN o3_daily AS o USING (station_code, day)
    LEFT JOIN intermediate.air_rules_by_day AS r USING (day)
    CROSS JOIN capture AS c
)
SELECT
    station_code, day,
    CASE WHEN valid_pm25 THEN pm25 END AS pm25,
    CASE WHEN valid_pm10 THEN pm10 END AS pm10,
    CASE WHEN valid_so2 THEN so2 END AS so2,
    CASE WHEN valid_no2 THEN no2 END AS no2,
    CASE WHEN valid_co THEN co END AS co,
    CASE WHEN valid_o3_8h THEN o3_8h_best END AS o3_8h_max,
    CASE WHEN valid_o3_1h THEN o3_1h_max END AS o3_1h_max,
    hours_pm25, hours_pm10, hours_so2, hours_no2, hours_co, hours_o3, o3_8h_windows,
    valid_pm25, valid_pm10, valid_so2, valid_no2, valid_co, valid_o3_8h
FROM flagged

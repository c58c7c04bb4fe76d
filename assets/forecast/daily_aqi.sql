-- Daily AQI (HJ 633) of _daily (key, day, pm25, pm10, so2, no2, co, o3_8h, o3_1h_max). Rules are data: the
-- standard per day and its switches from seeds aqi_standards.csv (_standards), rounding units from pollutants.csv
-- (_pollutants), breakpoints from aqi_breakpoints.csv (_breakpoints); the exact integer arithmetic is the shared
-- macros of dbt_like_sql/_macros/aqi.sql (the same as the station and area marts).
WITH days AS (
    SELECT d.*, r.standard, r.round_inputs, r.o3_8h_above_800, r.partial_publish_min_aqi, r.daily_includes_o3_1h
    FROM _daily AS d
    JOIN _standards AS r ON d.day >= r.valid_from AND (r.valid_to IS NULL OR d.day <= r.valid_to)
),
segments AS (
    SELECT standard, pollutant, averaging,
           to_milli(concentration) AS bp_lo, to_milli(lead(concentration) OVER w) AS bp_hi,
           iaqi AS i_lo, lead(iaqi) OVER w AS i_hi,
           to_milli(max(concentration) OVER (PARTITION BY standard, pollutant, averaging)) AS bp_top
    FROM _breakpoints
    WINDOW w AS (PARTITION BY standard, pollutant, averaging ORDER BY iaqi)
),
inputs AS (
    SELECT d.key, d.day, d.standard, d.o3_8h_above_800, d.daily_includes_o3_1h, p.pollutant, p.averaging, p.label,
           eval_milli(p.c, d.round_inputs, u.rounding_unit) AS cm
    FROM days AS d,
    LATERAL (VALUES ('PM2.5', '24h', 'PM2.5', d.pm25), ('PM10', '24h', 'PM10', d.pm10),
                    ('SO2', '24h', 'SO2', d.so2), ('NO2', '24h', 'NO2', d.no2), ('CO', '24h', 'CO', d.co),
                    ('O3', '8h', 'O3_8h', d.o3_8h), ('O3', '1h', 'O3_1h', d.o3_1h_max)) AS p(pollutant, averaging, label, c)
    JOIN _pollutants AS u ON u.published_name = p.label
),
scored AS (
    SELECT i.key, i.day, i.standard, i.o3_8h_above_800, i.daily_includes_o3_1h, i.label, i.cm, max(s.bp_top) AS bp_top,
           CASE WHEN i.cm IS NULL THEN NULL
                WHEN i.cm > max(s.bp_top) THEN 500  -- above the table: 500 (the platform's practice, STANDARDS §2)
                ELSE min(iaqi_on_segment(i.cm, s.bp_lo, s.bp_hi, s.i_lo, s.i_hi))
                         FILTER (WHERE i.cm BETWEEN s.bp_lo AND s.bp_hi AND s.bp_hi IS NOT NULL)
           END AS iaqi
    FROM inputs AS i
    JOIN segments AS s USING (standard, pollutant, averaging)
    GROUP BY i.key, i.day, i.standard, i.o3_8h_above_800, i.daily_includes_o3_1h, i.label, i.cm
),
candidates AS (
    -- O3 8-h above the top of its table (800): 2012 scores O3 by its 1-h maximum, 2026 gives 300.
    SELECT s.key, s.day, s.standard,
           CASE WHEN s.label <> 'O3_8h' OR s.cm IS NULL OR s.cm <= s.bp_top THEN s.iaqi
                WHEN s.o3_8h_above_800 = 'iaqi_300' THEN 300
                ELSE (SELECT o.iaqi FROM scored AS o WHERE o.key = s.key AND o.day = s.day AND o.label = 'O3_1h')
           END AS iaqi,
           CASE WHEN s.label = 'O3_8h' AND s.cm > s.bp_top AND s.o3_8h_above_800 = 'use_1h' THEN 'O3_1h'
                ELSE s.label END AS shown
    FROM scored AS s
    -- the O3 1-h maximum is itself a daily pollutant only where the standard says so (2012)
    WHERE s.label <> 'O3_1h' OR s.daily_includes_o3_1h
),
per_day AS (
    SELECT c.key, c.day, c.standard, max(c.iaqi) AS aqi, any_value(d.partial_publish_min_aqi) AS partial_publish_min_aqi,
           (SELECT count(s.iaqi) FROM scored AS s WHERE s.key = c.key AND s.day = c.day AND s.label <> 'O3_1h') < 6
               AS incomplete
    FROM candidates AS c JOIN days AS d USING (key, day, standard)
    GROUP BY c.key, c.day, c.standard
),
published AS (
    -- 2026: with pollutants missing the AQI is published only when it exceeds 100.
    SELECT *, CASE WHEN incomplete AND aqi <= partial_publish_min_aqi THEN NULL ELSE aqi END AS aqi_published
    FROM per_day
)
SELECT p.key, p.day, p.standard, CAST(p.aqi_published AS INTEGER) AS aqi,
       CASE WHEN p.aqi_published > 50
            THEN (SELECT string_agg(DISTINCT c.shown, ',' ORDER BY c.shown) FROM candidates AS c
                  WHERE c.key = p.key AND c.day = p.day AND c.iaqi = p.aqi_published) END AS primary_pollutant
FROM published AS p

-- Daily AQI (HJ 633) of the rows in _daily (key, day, pm25, pm10, so2, no2, co, o3_8h, o3_1h_max, standard),
-- breakpoints from _breakpoints (seeds aqi_breakpoints.csv). Exact: concentrations in integer thousandths and
-- IAQI = IAQI_lo + ceil((IAQI_hi - IAQI_lo) * (C - BP_lo) / (BP_hi - BP_lo)) in integer arithmetic, so that
-- PM2.5 = 35 scores exactly 50 (binary floating point would give 51).
WITH segments AS (
    SELECT standard, pollutant, averaging,
           CAST(round(concentration * 1000) AS BIGINT) AS bp_lo,
           CAST(round(lead(concentration) OVER w * 1000) AS BIGINT) AS bp_hi,
           iaqi AS i_lo, lead(iaqi) OVER w AS i_hi,
           max(concentration) OVER (PARTITION BY standard, pollutant, averaging) * 1000 AS bp_top
    FROM _breakpoints
    WINDOW w AS (PARTITION BY standard, pollutant, averaging ORDER BY iaqi)
),
inputs AS (
    -- HJ 633-2026 rounds inputs first (GB/T 8170, half to even): ug/m3 to integers, CO mg/m3 to 0.1.
    SELECT d.*, p.pollutant, p.averaging, p.label,
           CAST(round(CASE WHEN d.standard = 'HJ 633-2026'
                           THEN round_even(p.c, CASE WHEN p.pollutant = 'CO' THEN 1 ELSE 0 END)
                           ELSE p.c END * 1000) AS BIGINT) AS cm
    FROM _daily AS d,
    LATERAL (VALUES ('PM2.5', '24h', 'PM2.5', d.pm25), ('PM10', '24h', 'PM10', d.pm10),
                    ('SO2', '24h', 'SO2', d.so2), ('NO2', '24h', 'NO2', d.no2), ('CO', '24h', 'CO', d.co),
                    ('O3', '8h', 'O3_8h', d.o3_8h), ('O3', '1h', 'O3_1h', d.o3_1h_max)) AS p(pollutant, averaging, label, c)
),
scored AS (
    SELECT i.key, i.day, i.standard, i.label, i.cm,
           CASE WHEN i.cm IS NULL THEN NULL
                WHEN i.cm > max(s.bp_top) THEN 500
                ELSE min(s.i_lo + (CAST(s.i_hi - s.i_lo AS HUGEINT) * (i.cm - s.bp_lo) + (s.bp_hi - s.bp_lo) - 1)
                                  // (s.bp_hi - s.bp_lo))
                         FILTER (WHERE i.cm BETWEEN s.bp_lo AND s.bp_hi AND s.bp_hi IS NOT NULL)
           END AS iaqi
    FROM inputs AS i
    JOIN segments AS s USING (standard, pollutant, averaging)
    GROUP BY i.key, i.day, i.standard, i.label, i.cm
),
o3_rule AS (
    -- O3 8-h above 800 ug/m3 (the top of its table): 2012 scores O3 by its daily max 1-h value, 2026 gives 300.
    SELECT key, day, standard, label,
           CASE WHEN label <> 'O3_8h' OR cm IS NULL OR cm <= 800000 THEN iaqi
                WHEN standard = 'HJ 633-2026' THEN 300
                ELSE (SELECT o.iaqi FROM scored AS o
                      WHERE o.key = s.key AND o.day = s.day AND o.label = 'O3_1h') END AS iaqi,
           CASE WHEN label = 'O3_8h' AND cm > 800000 AND standard = 'HJ 633-2012' THEN 'O3_1h' ELSE label END AS shown
    FROM scored AS s
    WHERE label <> 'O3_1h'
),
per_day AS (
    SELECT key, day, standard, max(iaqi) AS aqi, count(iaqi) AS scored, count(*) AS expected
    FROM o3_rule GROUP BY key, day, standard
)
SELECT p.key, p.day,
       -- 2026: with pollutants missing the AQI is published only when it exceeds 100.
       CASE WHEN p.standard = 'HJ 633-2026' AND p.scored < p.expected AND p.aqi <= 100 THEN NULL
            ELSE CAST(p.aqi AS INTEGER) END AS aqi,
       CASE WHEN p.aqi > 50 AND NOT (p.standard = 'HJ 633-2026' AND p.scored < p.expected AND p.aqi <= 100)
            THEN (SELECT string_agg(o.shown, ',' ORDER BY o.shown) FROM o3_rule AS o
                  WHERE o.key = p.key AND o.day = p.day AND o.iaqi = p.aqi) END AS primary_pollutant,
       p.standard
FROM per_day AS p

-- HJ 663 statistics of every station and area for each calendar month, calendar year and year to date (1-M月累计,
-- one row per month M of the data), from intermediate.air_daily_assessed.
-- Data capture (seeds.air_period_capture): a month needs >= 27 valid days (25 in February); a year >= 324 and every
-- month valid; the year to date every month through M valid (HJ 663 defines no YTD rule: this is the project's).
-- Capture is judged per pollutant. Means and percentiles (hj663_percentile) are rounded half-even as reported
-- (ug/m3 to integers, CO mg/m3 to 0.1) and compared with the Grade II limits in force on the period's last day
-- (a 2026 year is judged by the GB 3095-2026 transition limits; its days keep the limits of their own date).
-- Attainment is NULL when the statistic fails data capture; attain_all (six pollutants) is NULL when one is
-- unknown and none fails.
-- partitioned: periods (period_start, period_end), inputs whole years
WITH d AS (
    SELECT * FROM intermediate.air_daily_assessed
),
last_data AS (  -- year-to-date rows run through the last month with data in each year
    SELECT year(day) AS year, max(day) AS last_day FROM d GROUP BY ALL
),
periods AS (  -- each daily value in the periods it belongs to; only the periods that hold a day of the window
    SELECT 'month' AS period_kind, CAST(date_trunc('month', day) AS DATE) AS period_start, last_day(day) AS period_end, d.*
    FROM d
    WHERE overlaps_window(CAST(date_trunc('month', day) AS DATE), last_day(day))
    UNION ALL
    SELECT 'year', make_date(year(day), 1, 1), make_date(year(day), 12, 31), d.*
    FROM d
    UNION ALL
    SELECT 'ytd', make_date(year(day), 1, 1), last_day(make_date(year(day), r.m, 1)), d.*
    FROM d
    CROSS JOIN range(1, 13) AS r(m)
    JOIN last_data AS l ON l.year = year(d.day)
    WHERE r.m >= month(day) AND make_date(year(day), r.m, 1) <= l.last_day
      AND overlaps_window(make_date(year(day), 1, 1), last_day(make_date(year(day), r.m, 1)))
),
capture AS (
    SELECT
        max(min_days) FILTER (WHERE period = 'month' AND month IS NULL) AS month_min,
        max(min_days) FILTER (WHERE period = 'month' AND month = 2) AS february_min,
        max(min_days) FILTER (WHERE period = 'year') AS year_min
    FROM seeds.air_period_capture
),
month_counts AS (
    SELECT
        scope, code, CAST(date_trunc('month', day) AS DATE) AS month,
        count(pm25) AS n_pm25, count(pm10) AS n_pm10, count(so2) AS n_so2,
        count(no2) AS n_no2, count(co) AS n_co, count(o3_8h) AS n_o3_8h
    FROM d
    GROUP BY ALL
),
month_ok AS (
    SELECT
        m.scope, m.code, m.month,
        n_pm25 >= need AS ok_pm25, n_pm10 >= need AS ok_pm10, n_so2 >= need AS ok_so2,
        n_no2 >= need AS ok_no2, n_co >= need AS ok_co, n_o3_8h >= need AS ok_o3_8h
    FROM (
        SELECT mc.*, CASE WHEN month(mc.month) = 2 THEN c.february_min ELSE c.month_min END AS need
        FROM month_counts AS mc CROSS JOIN capture AS c
    ) AS m
),
stats AS (
    SELECT
        scope, code, area, province, period_kind, period_start, period_end,
        count(*) AS days_reported,
        count(pm25) AS n_pm25, count(pm10) AS n_pm10, count(so2) AS n_so2,
        count(no2) AS n_no2, count(co) AS n_co, count(o3_8h) AS n_o3_8h,
        round_even(avg(exact(pm25)), 0) AS pm25_mean,
        round_even(avg(exact(pm10)), 0) AS pm10_mean,
        round_even(avg(exact(so2)), 0) AS so2_mean,
        round_even(avg(exact(no2)), 0) AS no2_mean,
        round_even(hj663_percentile(list(pm25), 0.95), 0) AS pm25_p95,
        round_even(hj663_percentile(list(pm10), 0.95), 0) AS pm10_p95,
        round_even(hj663_percentile(list(so2), 0.98), 0) AS so2_p98,
        round_even(hj663_percentile(list(no2), 0.98), 0) AS no2_p98,
        round_even(hj663_percentile(list(co), 0.95), 1) AS co_p95,
        round_even(hj663_percentile(list(o3_8h), 0.90), 0) AS o3_8h_p90,
        count(*) FILTER (WHERE valid_day) AS valid_days,
        count(*) FILTER (WHERE valid_day AND level_rank <= 2) AS good_days,
        count(*) FILTER (WHERE valid_day AND level_rank = 1) AS days_excellent,
        count(*) FILTER (WHERE valid_day AND level_rank = 2) AS days_good,
        count(*) FILTER (WHERE valid_day AND level_rank = 3) AS days_light,
        count(*) FILTER (WHERE valid_day AND level_rank = 4) AS days_moderate,
        count(*) FILTER (WHERE valid_day AND level_rank = 5) AS days_heavy,
        count(*) FILTER (WHERE valid_day AND level_rank = 6) AS days_severe,
        -- 重污染天: AQI > 200, i.e. levels 五级 and 六级
        count(*) FILTER (WHERE valid_day AND level_rank >= 5) AS heavy_pollution_days,
        count(*) FILTER (WHERE exceed_pm25) AS exceed_days_pm25,
        count(*) FILTER (WHERE exceed_pm10) AS exceed_days_pm10,
        count(*) FILTER (WHERE exceed_so2) AS exceed_days_so2,
        count(*) FILTER (WHERE exceed_no2) AS exceed_days_no2,
        count(*) FILTER (WHERE exceed_co) AS exceed_days_co,
        count(*) FILTER (WHERE exceed_o3_8h) AS exceed_days_o3_8h
    FROM periods
    GROUP BY ALL
),
months_ok AS (
    SELECT
        s.scope, s.code, s.period_kind, s.period_start, s.period_end,
        count(*) FILTER (WHERE ok_pm25) AS m_pm25, count(*) FILTER (WHERE ok_pm10) AS m_pm10,
        count(*) FILTER (WHERE ok_so2) AS m_so2, count(*) FILTER (WHERE ok_no2) AS m_no2,
        count(*) FILTER (WHERE ok_co) AS m_co, count(*) FILTER (WHERE ok_o3_8h) AS m_o3_8h
    FROM stats AS s
    JOIN month_ok AS m
        ON m.scope = s.scope AND m.code = s.code AND m.month BETWEEN s.period_start AND s.period_end
    GROUP BY ALL
),
limits AS (
    SELECT
        s.scope, s.code, s.period_kind, s.period_start, s.period_end,
        max(l.standard) AS limits_standard,
        max(l.grade_ii) FILTER (WHERE l.pollutant = 'PM2.5' AND l.averaging = 'annual') AS limit_pm25_annual,
        max(l.grade_ii) FILTER (WHERE l.pollutant = 'PM10' AND l.averaging = 'annual') AS limit_pm10_annual,
        max(l.grade_ii) FILTER (WHERE l.pollutant = 'SO2' AND l.averaging = 'annual') AS limit_so2_annual,
        max(l.grade_ii) FILTER (WHERE l.pollutant = 'NO2' AND l.averaging = 'annual') AS limit_no2_annual,
        max(l.grade_ii) FILTER (WHERE l.pollutant = 'PM2.5' AND l.averaging = '24h') AS limit_pm25_24h,
        max(l.grade_ii) FILTER (WHERE l.pollutant = 'PM10' AND l.averaging = '24h') AS limit_pm10_24h,
        max(l.grade_ii) FILTER (WHERE l.pollutant = 'SO2' AND l.averaging = '24h') AS limit_so2_24h,
        max(l.grade_ii) FILTER (WHERE l.pollutant = 'NO2' AND l.averaging = '24h') AS limit_no2_24h,
        max(l.grade_ii) FILTER (WHERE l.pollutant = 'CO' AND l.averaging = '24h') AS limit_co_24h,
        max(l.grade_ii) FILTER (WHERE l.pollutant = 'O3' AND l.averaging = 'daily_max_8h') AS limit_o3_8h
    FROM stats AS s
    JOIN seeds.air_quality_limits AS l
        ON s.period_end >= l.valid_from AND (l.valid_to IS NULL OR s.period_end <= l.valid_to)
    GROUP BY ALL
),
valid AS (
    SELECT
        s.*,
        month(s.period_end) - month(s.period_start) + 1 AS months_in_period,
        l.* EXCLUDE (scope, code, period_kind, period_start, period_end),
        coalesce(m.m_pm25, 0) AS m_pm25, coalesce(m.m_pm10, 0) AS m_pm10, coalesce(m.m_so2, 0) AS m_so2,
        coalesce(m.m_no2, 0) AS m_no2, coalesce(m.m_co, 0) AS m_co, coalesce(m.m_o3_8h, 0) AS m_o3_8h,
        c.year_min
    FROM stats AS s
    LEFT JOIN months_ok AS m USING (scope, code, period_kind, period_start, period_end)
    LEFT JOIN limits AS l USING (scope, code, period_kind, period_start, period_end)
    CROSS JOIN capture AS c
),
flags AS (
    SELECT
        * EXCLUDE (m_pm25, m_pm10, m_so2, m_no2, m_co, m_o3_8h, year_min),
        m_pm25 = months_in_period AND (period_kind <> 'year' OR n_pm25 >= year_min) AS valid_pm25,
        m_pm10 = months_in_period AND (period_kind <> 'year' OR n_pm10 >= year_min) AS valid_pm10,
        m_so2 = months_in_period AND (period_kind <> 'year' OR n_so2 >= year_min) AS valid_so2,
        m_no2 = months_in_period AND (period_kind <> 'year' OR n_no2 >= year_min) AS valid_no2,
        m_co = months_in_period AND (period_kind <> 'year' OR n_co >= year_min) AS valid_co,
        m_o3_8h = months_in_period AND (period_kind <> 'year' OR n_o3_8h >= year_min) AS valid_o3_8h
    FROM valid
)
SELECT
    *,
    round(100.0 * good_days / nullif(valid_days, 0), 1) AS good_days_ratio,
    CASE WHEN valid_pm25 THEN pm25_mean <= limit_pm25_annual END AS attain_pm25,
    CASE WHEN valid_pm10 THEN pm10_mean <= limit_pm10_annual END AS attain_pm10,
    CASE WHEN valid_so2 THEN so2_mean <= limit_so2_annual END AS attain_so2,
    CASE WHEN valid_no2 THEN no2_mean <= limit_no2_annual END AS attain_no2,
    CASE WHEN valid_co THEN co_p95 <= limit_co_24h END AS attain_co,
    CASE WHEN valid_o3_8h THEN o3_8h_p90 <= limit_o3_8h END AS attain_o3_8h,
    CASE WHEN valid_pm25 THEN pm25_p95 <= limit_pm25_24h END AS attain_pm25_p95,
    CASE WHEN valid_pm10 THEN pm10_p95 <= limit_pm10_24h END AS attain_pm10_p95,
    CASE WHEN valid_so2 THEN so2_p98 <= limit_so2_24h END AS attain_so2_p98,
    CASE WHEN valid_no2 THEN no2_p98 <= limit_no2_24h END AS attain_no2_p98,
    (CASE WHEN valid_pm25 THEN pm25_mean <= limit_pm25_annual END)
        AND (CASE WHEN valid_pm10 THEN pm10_mean <= limit_pm10_annual END)
        AND (CASE WHEN valid_so2 THEN so2_mean <= limit_so2_annual END)
        AND (CASE WHEN valid_no2 THEN no2_mean <= limit_no2_annual END)
        AND (CASE WHEN valid_co THEN co_p95 <= limit_co_24h END)
        AND (CASE WHEN valid_o3_8h THEN o3_8h_p90 <= limit_o3_8h END) AS attain_all
FROM flags

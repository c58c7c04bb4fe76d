-- HJ 663 statistics of every station and area for each calendar month, calendar year and year to date (1-M月累计,
-- one row per month M of the data), from intermediate.air_daily_assessed.
-- Data capture (seeds.air_period_capture): a month needs >= 27 valid days (25 in February); a year >= 324 and every
-- month valid; the year to date every month through M valid (HJ 663 defines no YTD rule: this is the project's).
-- Capture is judged per pollutant. Means and percentiles (hj663_percentile) are rounded half-even as reported
-- (ug/m3 to integers, CO mg/m3 to 0.1) and compared with the Grade II limits in force on the period's last day
-- (a 2026 year is judged by the GB 3095-2026 transition limits; its days keep the limits of their own date).
-- Attainment is NULL when the statistic fails data capture; attain_all (six pollutants) is NULL when one is
-- unknown and none fails.
-- basis: 'all_days' = every day as measured; 'excluding_events' = the exceptional events' days set aside
-- (intermediate.air_exceptional_days; HJ 663-2026 例外事件), only for the station or area years that hold one (the
-- others are the same on both bases). An excluded value leaves the means, percentiles, exceedance days and the day
-- counts (an excluded day is no valid day of the good-days ratio), but still counts for data capture: it was
-- measured and valid, it is set aside, not missing (project rule, docs/air-quality.md). excluded_days counts them.
-- partitioned: periods (period_start, period_end), inputs whole years
WITH assessed AS (
    SELECT * FROM intermediate.air_daily_assessed
),
excluded AS (
    SELECT * FROM intermediate.air_exceptional_days WHERE in_input_days(day)
),
affected AS (  -- the station or area years with an excluded day get the second basis
    SELECT DISTINCT scope, code, year(day) AS year FROM excluded
),
d AS (
    SELECT
        'all_days' AS basis, a.*,
        a.pm25 IS NOT NULL AS cap_pm25, a.pm10 IS NOT NULL AS cap_pm10, a.so2 IS NOT NULL AS cap_so2,
        a.no2 IS NOT NULL AS cap_no2, a.co IS NOT NULL AS cap_co, a.o3_8h IS NOT NULL AS cap_o3_8h,
        false AS day_excluded
    FROM assessed AS a
    UNION ALL
    SELECT
        'excluding_events' AS basis,
        a.* REPLACE (
            CASE WHEN NOT coalesce(x.excl_pm25, false) THEN a.pm25 END AS pm25,
            CASE WHEN NOT coalesce(x.excl_pm10, false) THEN a.pm10 END AS pm10,
            CASE WHEN NOT coalesce(x.excl_so2, false) THEN a.so2 END AS so2,
            CASE WHEN NOT coalesce(x.excl_no2, false) THEN a.no2 END AS no2,
            CASE WHEN NOT coalesce(x.excl_co, false) THEN a.co END AS co,
            CASE WHEN NOT coalesce(x.excl_o3_8h, false) THEN a.o3_8h END AS o3_8h,
            a.exceed_pm25 AND NOT coalesce(x.excl_pm25, false) AS exceed_pm25,
            a.exceed_pm10 AND NOT coalesce(x.excl_pm10, false) AS exceed_pm10,
            a.exceed_so2 AND NOT coalesce(x.excl_so2, false) AS exceed_so2,
            a.exceed_no2 AND NOT coalesce(x.excl_no2, false) AS exceed_no2,
            a.exceed_co AND NOT coalesce(x.excl_co, false) AS exceed_co,
            a.exceed_o3_8h AND NOT coalesce(x.excl_o3_8h, false) AS exceed_o3_8h
        ),
        a.pm25 IS NOT NULL AS cap_pm25, a.pm10 IS NOT NULL AS cap_pm10, a.so2 IS NOT NULL AS cap_so2,
        a.no2 IS NOT NULL AS cap_no2, a.co IS NOT NULL AS cap_co, a.o3_8h IS NOT NULL AS cap_o3_8h,
        x.day IS NOT NULL AS day_excluded
    FROM assessed AS a
    SEMI JOIN affected AS f ON f.scope = a.scope AND f.code = a.code AND f.year = year(a.day)
    LEFT JOIN excluded AS x ON x.scope = a.scope AND x.code = a.code AND x.day = a.day
),
last_data AS (  -- year-to-date rows run through the last month with data in each year
    SELECT year(day) AS year, max(day) AS last_day FROM d GROUP BY ALL
),
periods AS (  -- each daily value in the periods it belongs to; only the periods that hold a day of the window
    SELECT 'month' AS period_kind, CAST(date_trunc('month', day) AS DATE) AS period_start, last_day(day) AS period_end,
           d.*
    FROM d
    WHERE overlaps_window(CAST(date_trunc('month', day) AS DATE), last_day(day))
    UNION ALL
    SELECT 'year', make_date(year(day), 1, 1), make_date(year(day), 12, 31), d.*
    FROM d
    UNION ALL
    SELECT 'ytd', make_date(year(day), 1, 1), last_day(make_date(year(day), r.m, 1)), d.*
    FROM d
    CROSS JOIN range(1, 13) AS r (m)
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
        basis, scope, code, CAST(date_trunc('month', day) AS DATE) AS month,
        count(*) FILTER (WHERE cap_pm25) AS n_pm25, count(*) FILTER (WHERE cap_pm10) AS n_pm10,
        count(*) FILTER (WHERE cap_so2) AS n_so2, count(*) FILTER (WHERE cap_no2) AS n_no2,
        count(*) FILTER (WHERE cap_co) AS n_co, count(*) FILTER (WHERE cap_o3_8h) AS n_o3_8h
    FROM d
    GROUP BY ALL
),
month_ok AS (
    SELECT
        m.basis, m.scope, m.code, m.month,
        n_pm25 >= need AS ok_pm25, n_pm10 >= need AS ok_pm10, n_so2 >= need AS ok_so2,
        n_no2 >= need AS ok_no2, n_co >= need AS ok_co, n_o3_8h >= need AS ok_o3_8h
    FROM (
        SELECT mc.*, CASE WHEN month(mc.month) = 2 THEN c.february_min ELSE c.month_min END AS need
        FROM month_counts AS mc CROSS JOIN capture AS c
    ) AS m
),
stats AS (
    SELECT
        basis, scope, code, area, province, period_kind, period_start, period_end,
        count(*) AS days_reported,
        count(*) FILTER (WHERE day_excluded) AS excluded_days,
        count(*) FILTER (WHERE cap_pm25) AS n_pm25, count(*) FILTER (WHERE cap_pm10) AS n_pm10,
        count(*) FILTER (WHERE cap_so2) AS n_so2, count(*) FILTER (WHERE cap_no2) AS n_no2,
        count(*) FILTER (WHERE cap_co) AS n_co, count(*) FILTER (WHERE cap_o3_8h) AS n_o3_8h,
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
        count(*) FILTER (WHERE valid_day AND NOT day_excluded) AS valid_days,
        count(*) FILTER (WHERE valid_day AND NOT day_excluded AND level_rank <= 2) AS good_days,
        count(*) FILTER (WHERE valid_day AND NOT day_excluded AND level_rank = 1) AS days_excellent,
        count(*) FILTER (WHERE valid_day AND NOT day_excluded AND level_rank = 2) AS days_good,
        count(*) FILTER (WHERE valid_day AND NOT day_excluded AND level_rank = 3) AS days_light,
        count(*) FILTER (WHERE valid_day AND NOT day_excluded AND level_rank = 4) AS days_moderate,
        count(*) FILTER (WHERE valid_day AND NOT day_excluded AND level_rank = 5) AS days_heavy,
        count(*) FILTER (WHERE valid_day AND NOT day_excluded AND level_rank = 6) AS days_severe,
        -- 重污染天: AQI > 200, i.e. levels 五级 and 六级
        count(*) FILTER (WHERE valid_day AND NOT day_excluded AND level_rank >= 5) AS heavy_pollution_days,
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
        s.basis, s.scope, s.code, s.period_kind, s.period_start, s.period_end,
        count(*) FILTER (WHERE ok_pm25) AS m_pm25, count(*) FILTER (WHERE ok_pm10) AS m_pm10,
        count(*) FILTER (WHERE ok_so2) AS m_so2, count(*) FILTER (WHERE ok_no2) AS m_no2,
        count(*) FILTER (WHERE ok_co) AS m_co, count(*) FILTER (WHERE ok_o3_8h) AS m_o3_8h
    FROM stats AS s
    JOIN month_ok AS m
        ON m.basis = s.basis AND m.scope = s.scope AND m.code = s.code
       AND m.month BETWEEN s.period_start AND s.period_end
    GROUP BY ALL
),
limits AS (
    SELECT
        s.basis, s.scope, s.code, s.period_kind, s.period_start, s.period_end,
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
        l.* EXCLUDE (basis, scope, code, period_kind, period_start, period_end),
        coalesce(m.m_pm25, 0) AS m_pm25, coalesce(m.m_pm10, 0) AS m_pm10, coalesce(m.m_so2, 0) AS m_so2,
        coalesce(m.m_no2, 0) AS m_no2, coalesce(m.m_co, 0) AS m_co, coalesce(m.m_o3_8h, 0) AS m_o3_8h,
        c.year_min
    FROM stats AS s
    LEFT JOIN months_ok AS m USING (basis, scope, code, period_kind, period_start, period_end)
    LEFT JOIN limits AS l USING (basis, scope, code, period_kind, period_start, period_end)
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

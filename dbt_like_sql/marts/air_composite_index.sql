-- 环境空气质量综合指数: the comprehensive air-quality index and the ranking of the areas, per month, year to date
-- (1-M月累计) and year, by the national city ranking (城市环境空气质量排名技术规定, 环办监测〔2018〕19号).
-- I_i = C_i / S_i. C_i: the period means of SO2, NO2, PM10 and PM2.5, the 95th percentile of the daily CO means, the
-- 90th percentile of the daily maximum 8-h O3: the HJ 663 statistics of intermediate.air_period_stats, rounded as
-- reported. S_i: the limits the rule names (seeds.air_composite_index_limits, the rule in force on the period's
-- last day: a revised rule for GB 3095-2026 is a new row set). I_sum = the sum of the six; the largest I_i names the
-- primary pollutant (首要污染物; ties all named, in this order).
-- Digits (project reading, the rule's own rounding was not available): I_i shown to 3 decimals; I_sum from the
-- unrounded I_i, to 2 decimals; the same I_sum shares a rank (并列).
-- Ranked only where all six statistics pass data capture (HJ 663), ascending I_sum (1 = cleanest); the others are
-- listed with ranking_status naming the statistics that failed, and no rank.
-- Year on year (同比): the same period a year earlier (the same months for the year to date): change_pct =
-- (I_sum - I_sum a year earlier) / I_sum a year earlier x 100, < 0 = better; change_rank ascending (1 = most
-- improved) among the areas ranked in both years.
-- basis: all_days (as measured), or excluding_events (the exceptional events' days set aside where an area has
-- some, its all_days values elsewhere): each basis is ranked on its own.
-- materialized: view
-- partitioned: periods (period_start, period_end)
WITH stats AS (  -- the window's periods and the same periods a year earlier
    SELECT * FROM intermediate.air_period_stats
    WHERE scope = 'area'
      AND (overlaps_input(period_start, period_end)
           OR overlaps_input(CAST(period_start + INTERVAL 1 YEAR AS DATE), CAST(period_end + INTERVAL 1 YEAR AS DATE)))
),
based AS (
    SELECT * FROM stats
    UNION ALL BY NAME
    SELECT a.* REPLACE ('excluding_events' AS basis)
    FROM stats AS a
    WHERE a.basis = 'all_days' AND NOT EXISTS (
        SELECT 1 FROM stats AS e
        WHERE e.basis = 'excluding_events' AND e.code = a.code AND e.period_kind = a.period_kind
          AND e.period_start = a.period_start AND e.period_end = a.period_end)
),
limits AS (
    SELECT
        p.period_end,
        max(l.rule) AS rule,
        max(l.limit_value) FILTER (WHERE l.statistic = 'so2_mean') AS s_so2,
        max(l.limit_value) FILTER (WHERE l.statistic = 'no2_mean') AS s_no2,
        max(l.limit_value) FILTER (WHERE l.statistic = 'pm10_mean') AS s_pm10,
        max(l.limit_value) FILTER (WHERE l.statistic = 'pm25_mean') AS s_pm25,
        max(l.limit_value) FILTER (WHERE l.statistic = 'co_p95') AS s_co,
        max(l.limit_value) FILTER (WHERE l.statistic = 'o3_8h_p90') AS s_o3_8h
    FROM (SELECT DISTINCT period_end FROM based) AS p
    JOIN seeds.air_composite_index_limits AS l
        ON p.period_end >= CAST(l.valid_from AS DATE)
       AND (l.valid_to IS NULL OR p.period_end <= CAST(l.valid_to AS DATE))
    GROUP BY p.period_end
),
single AS (
    SELECT
        b.basis, b.area, b.province, b.period_kind, b.period_start, b.period_end, b.excluded_days, l.rule,
        b.so2_mean, b.no2_mean, b.pm10_mean, b.pm25_mean, b.co_p95, b.o3_8h_p90,
        CAST(b.so2_mean AS DOUBLE) / l.s_so2 AS i_so2,
        CAST(b.no2_mean AS DOUBLE) / l.s_no2 AS i_no2,
        CAST(b.pm10_mean AS DOUBLE) / l.s_pm10 AS i_pm10,
        CAST(b.pm25_mean AS DOUBLE) / l.s_pm25 AS i_pm25,
        CAST(b.co_p95 AS DOUBLE) / l.s_co AS i_co,
        CAST(b.o3_8h_p90 AS DOUBLE) / l.s_o3_8h AS i_o3_8h,
        list_filter(
            [CASE WHEN NOT b.valid_so2 THEN 'SO2' END, CASE WHEN NOT b.valid_no2 THEN 'NO2' END,
             CASE WHEN NOT b.valid_pm10 THEN 'PM10' END, CASE WHEN NOT b.valid_pm25 THEN 'PM2.5' END,
             CASE WHEN NOT b.valid_co THEN 'CO' END, CASE WHEN NOT b.valid_o3_8h THEN 'O3' END],
            lambda x: x IS NOT NULL) AS capture_failed
    FROM based AS b
    JOIN limits AS l USING (period_end)
),
summed AS (
    SELECT
        *,
        round(i_so2 + i_no2 + i_pm10 + i_pm25 + i_co + i_o3_8h, 2) AS i_sum,
        greatest(i_so2, i_no2, i_pm10, i_pm25, i_co, i_o3_8h) AS i_max,
        len(capture_failed) = 0 AND i_so2 IS NOT NULL AND i_no2 IS NOT NULL AND i_pm10 IS NOT NULL
            AND i_pm25 IS NOT NULL AND i_co IS NOT NULL AND i_o3_8h IS NOT NULL AS ranked
    FROM single
),
ranked AS (
    SELECT
        *,
        CASE WHEN ranked THEN rank() OVER (
            PARTITION BY basis, period_kind, period_start, period_end, ranked ORDER BY i_sum) END AS rank,
        count(*) FILTER (WHERE ranked) OVER (PARTITION BY basis, period_kind, period_start, period_end) AS areas_ranked
    FROM summed
),
compared AS (
    SELECT
        c.*,
        p.i_sum AS i_sum_year_before,
        p.rank AS rank_year_before,
        CASE WHEN c.ranked AND p.ranked AND p.i_sum > 0
             THEN round(100.0 * (c.i_sum - p.i_sum) / p.i_sum, 1) END AS change_pct
    FROM ranked AS c
    LEFT JOIN ranked AS p
        ON p.basis = c.basis AND p.area = c.area AND p.period_kind = c.period_kind
       AND p.period_start = CAST(c.period_start - INTERVAL 1 YEAR AS DATE)
       AND month(p.period_end) = month(c.period_end)
    WHERE overlaps_input(c.period_start, c.period_end)
)
SELECT
    area, province, period_kind, period_start, period_end, basis, rule, excluded_days,
    so2_mean, no2_mean, pm10_mean, pm25_mean, co_p95, o3_8h_p90,
    round(i_so2, 3) AS i_so2, round(i_no2, 3) AS i_no2, round(i_pm10, 3) AS i_pm10,
    round(i_pm25, 3) AS i_pm25, round(i_co, 3) AS i_co, round(i_o3_8h, 3) AS i_o3_8h,
    i_sum,
    round(i_max, 3) AS i_max,
    array_to_string(list_filter(
        [CASE WHEN i_so2 = i_max THEN 'SO2' END, CASE WHEN i_no2 = i_max THEN 'NO2' END,
         CASE WHEN i_pm10 = i_max THEN 'PM10' END, CASE WHEN i_pm25 = i_max THEN 'PM2.5' END,
         CASE WHEN i_co = i_max THEN 'CO' END, CASE WHEN i_o3_8h = i_max THEN 'O3' END],
        lambda x: x IS NOT NULL), ',') AS primary_pollutant,
    capture_failed,
    CASE WHEN ranked THEN '参与排名 ranked'
         ELSE '未排名：数据获取率不足（'
              || coalesce(nullif(array_to_string(capture_failed, '、'), ''), '某项统计') || '） '
              || 'not ranked: data capture failed ('
              || coalesce(nullif(array_to_string(capture_failed, ', '), ''), 'a statistic') || ')'
    END AS ranking_status,
    rank,
    areas_ranked,
    i_sum_year_before,
    rank_year_before,
    change_pct,
    CASE WHEN change_pct IS NOT NULL THEN rank() OVER (
        PARTITION BY basis, period_kind, period_start, period_end, change_pct IS NOT NULL ORDER BY change_pct) END
        AS change_rank
FROM compared

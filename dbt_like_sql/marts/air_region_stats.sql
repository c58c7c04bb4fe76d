-- Province (四川 / 重庆) and whole-region (川南渝西) roll-ups of the area statistics, per month, year and year to date.
-- As HJ 663 rolls cities up into a region: each statistic is the arithmetic mean of the areas' values (areas whose
-- statistic passed data capture), the good-days ratio is the mean of the areas' ratios (平均优良天数比例), day
-- counts are summed over areas (area-days), and the region attains only when every area does.
-- materialized: view
-- partitioned: periods (period_start, period_end)
WITH area_stats AS (
    -- the region's areas only: seeds.areas gives them their province; the areas of a wider catalog (the national
    -- one) have none, and belong to neither province nor the region
    SELECT * EXCLUDE (basis, excluded_days) FROM intermediate.air_period_stats
    WHERE scope = 'area' AND basis = 'all_days' AND province IS NOT NULL
),
scoped AS (
    SELECT 'province' AS scope, province AS name, * EXCLUDE (scope) FROM area_stats
    UNION ALL
    SELECT 'region' AS scope, '川南渝西' AS name, * EXCLUDE (scope) FROM area_stats
)
SELECT
    scope, name, period_kind, period_start, period_end,
    count(*) AS areas,
    count(attain_all) AS areas_assessed,
    count(*) FILTER (WHERE attain_all) AS areas_attained,
    round_even(avg(exact(pm25_mean)) FILTER (WHERE valid_pm25), 0) AS pm25_mean,
    round_even(avg(exact(pm10_mean)) FILTER (WHERE valid_pm10), 0) AS pm10_mean,
    round_even(avg(exact(so2_mean)) FILTER (WHERE valid_so2), 0) AS so2_mean,
    round_even(avg(exact(no2_mean)) FILTER (WHERE valid_no2), 0) AS no2_mean,
    round_even(avg(exact(co_p95)) FILTER (WHERE valid_co), 1) AS co_p95,
    round_even(avg(exact(o3_8h_p90)) FILTER (WHERE valid_o3_8h), 0) AS o3_8h_p90,
    round(avg(exact(good_days_ratio)), 1) AS good_days_ratio,
    CAST(sum(valid_days) AS BIGINT) AS valid_area_days,
    CAST(sum(good_days) AS BIGINT) AS good_area_days,
    CAST(sum(heavy_pollution_days) AS BIGINT) AS heavy_pollution_area_days,
    CAST(sum(exceed_days_pm25) AS BIGINT) AS exceed_area_days_pm25,
    CAST(sum(exceed_days_o3_8h) AS BIGINT) AS exceed_area_days_o3_8h,
    max(limits_standard) AS limits_standard,
    CASE
        WHEN count(*) FILTER (WHERE NOT attain_all) > 0 THEN false
        WHEN count(attain_all) < count(*) THEN NULL
        ELSE true
    END AS attain_all
FROM scoped
GROUP BY ALL

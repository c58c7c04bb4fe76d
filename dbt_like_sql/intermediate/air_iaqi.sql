-- The one place where concentrations are scored (HJ 633): each row of intermediate.air_concentrations_long gets
-- its IAQI, computed exactly in integer milli-units with ceiling rounding (macros in _macros/aqi.sql), after the
-- standard's input rounding (2026: GB/T 8170 half-even). Above the top breakpoint: 500, except where the
-- standard's switch says otherwise (SO2 1-h > 800: 'use_24h' scores the 24-h value, 'iaqi_200' gives 200;
-- O3 8-h > 800: 'use_1h' / 'iaqi_300'). exceeds_limit compares daily values with the Grade II limit in force.
-- materialized: view
-- partitioned: day
WITH segments AS (
    SELECT
        standard, pollutant, averaging,
        to_milli(concentration) AS bp_lo,
        to_milli(lead(concentration) OVER w) AS bp_hi,
        iaqi AS iaqi_lo,
        lead(iaqi) OVER w AS iaqi_hi,
        -- C falls in [bp_lo, bp_end): bp_end = bp_hi, or just above it for the table's last segment
        to_milli(lead(concentration) OVER w) + CASE WHEN lead(concentration, 2) OVER w IS NULL THEN 1 ELSE 0 END
            AS bp_end
    FROM seeds.aqi_breakpoints
    WINDOW w AS (PARTITION BY standard, pollutant, averaging ORDER BY concentration)
    QUALIFY bp_hi IS NOT NULL
),
tops AS (
    SELECT standard, pollutant, averaging, max(bp_hi) AS top FROM segments GROUP BY ALL
),
above_top AS (  -- the standards' switches, as (standard, pollutant, averaging, rule)
    SELECT standard, 'SO2' AS pollutant, '1h' AS averaging, so2_1h_above_800 AS rule FROM seeds.aqi_standards
    UNION ALL
    SELECT standard, 'O3', '8h', o3_8h_above_800 FROM seeds.aqi_standards
),
prepared AS (
    SELECT
        l.*,
        eval_milli(l.concentration, l.round_inputs, l.rounding_unit) AS c,
        eval_milli(l.alt_concentration, l.round_inputs, l.rounding_unit) AS alt_c
    FROM intermediate.air_concentrations_long AS l
),
resolved AS (
    SELECT
        p.*,
        p.c > t.top AND a.rule LIKE 'use\_%' ESCAPE '\' AS substituted,
        CASE WHEN p.c > t.top AND a.rule LIKE 'iaqi\_%' ESCAPE '\'
             THEN CAST(substr(a.rule, 6) AS INTEGER) END AS fixed_iaqi
    FROM prepared AS p
    JOIN tops AS t USING (standard, pollutant, averaging)
    LEFT JOIN above_top AS a USING (standard, pollutant, averaging)
),
scoring AS (
    SELECT
        r.*,
        CASE WHEN r.substituted THEN substr(a.rule, 5) ELSE r.averaging END AS scored_averaging,
        CASE WHEN r.substituted THEN r.alt_c ELSE r.c END AS scored_c
    FROM resolved AS r
    LEFT JOIN above_top AS a USING (standard, pollutant, averaging)
),
limits AS (
    SELECT standard AS limits_standard, valid_from, valid_to, pollutant, averaging, grade_ii
    FROM seeds.air_quality_limits
)
SELECT
    s.scale, s.subject, s.time, s.day, s.standard, s."column", s.pollutant, s.published_name, s.sort_order,
    s.averaging, s.concentration, s.scored_averaging,
    CASE
        WHEN s.fixed_iaqi IS NOT NULL THEN s.fixed_iaqi
        WHEN s.scored_c IS NULL THEN NULL
        WHEN g.bp_lo IS NULL THEN 500  -- above the table
        ELSE iaqi_on_segment(s.scored_c, g.bp_lo, g.bp_hi, g.iaqi_lo, g.iaqi_hi)
    END AS iaqi,
    s.c > to_milli(lim.grade_ii) AS exceeds_limit,
    s.partial_publish_min_aqi,
    s.exceeding_pollutant
FROM scoring AS s
LEFT JOIN segments AS g
  ON g.standard = s.standard AND g.pollutant = s.pollutant AND g.averaging = s.scored_averaging
 AND s.scored_c >= g.bp_lo AND s.scored_c < g.bp_end
LEFT JOIN limits AS lim
  ON lim.pollutant = s.pollutant AND lim.averaging = s.limit_averaging
 AND s.day BETWEEN lim.valid_from AND coalesce(lim.valid_to, DATE '9999-12-31')

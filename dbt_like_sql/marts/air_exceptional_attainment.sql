-- Attainment with and without the exceptional events (例外事件), side by side: every station or area and period
-- (month, year, year to date) that holds a day set aside (intermediate.air_exceptional_days). *_with_events: every
-- day as measured (basis all_days, as in marts.air_area_monthly ...); *_without_events: the events' days set aside
-- (basis excluding_events; their values still count for data capture). events: the event ids, types and reasons.
-- materialized: view
-- partitioned: periods (period_start, period_end)
WITH s AS (
    SELECT * FROM intermediate.air_period_stats WHERE overlaps_input(period_start, period_end)
),
events AS (
    SELECT
        x.scope, x.code, p.period_kind, p.period_start, p.period_end,
        string_agg(DISTINCT x.event_ids, ', ' ORDER BY x.event_ids) AS event_ids,
        string_agg(DISTINCT x.event_types, ', ' ORDER BY x.event_types) AS event_types,
        string_agg(DISTINCT x.reasons, '; ' ORDER BY x.reasons) AS reasons
    FROM intermediate.air_exceptional_days AS x
    JOIN (
        SELECT DISTINCT scope, code, period_kind, period_start, period_end FROM s WHERE basis = 'excluding_events'
    ) AS p
        ON p.scope = x.scope AND p.code = x.code AND x.day BETWEEN p.period_start AND p.period_end
    GROUP BY ALL
)
SELECT
    e.scope, e.code, e.area, e.province, e.period_kind, e.period_start, e.period_end,
    e.excluded_days,
    ev.event_ids, ev.event_types, ev.reasons,
    a.valid_days AS valid_days_with_events, e.valid_days AS valid_days_without_events,
    a.good_days_ratio AS good_days_ratio_with_events, e.good_days_ratio AS good_days_ratio_without_events,
    a.heavy_pollution_days AS heavy_pollution_days_with_events,
    e.heavy_pollution_days AS heavy_pollution_days_without_events,
    a.pm25_mean AS pm25_mean_with_events, e.pm25_mean AS pm25_mean_without_events,
    a.pm10_mean AS pm10_mean_with_events, e.pm10_mean AS pm10_mean_without_events,
    a.so2_mean AS so2_mean_with_events, e.so2_mean AS so2_mean_without_events,
    a.no2_mean AS no2_mean_with_events, e.no2_mean AS no2_mean_without_events,
    a.co_p95 AS co_p95_with_events, e.co_p95 AS co_p95_without_events,
    a.o3_8h_p90 AS o3_8h_p90_with_events, e.o3_8h_p90 AS o3_8h_p90_without_events,
    a.attain_all AS attain_all_with_events, e.attain_all AS attain_all_without_events,
    (a.attain_all IS DISTINCT FROM e.attain_all) AS attainment_changes,  -- brackets: sqlfluff#3284
    e.limits_standard
FROM s AS e
JOIN s AS a
    ON a.basis = 'all_days' AND a.scope = e.scope AND a.code = e.code AND a.period_kind = e.period_kind
   AND a.period_start = e.period_start AND a.period_end = e.period_end
LEFT JOIN events AS ev
    ON ev.scope = e.scope AND ev.code = e.code AND ev.period_kind = e.period_kind
   AND ev.period_start = e.period_start AND ev.period_end = e.period_end
WHERE e.basis = 'excluding_events' AND e.excluded_days > 0

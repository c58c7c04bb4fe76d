-- Every station-day and area-day set aside as an exceptional event (例外事件), one row per scope, code and day,
-- from seeds.air_exceptional_events (envmon exclude, or the file under version control; docs/air-quality.md).
-- An area-day also sets aside the days of the area's stations (the event affected the area); a station-day only
-- that station's. excl_<pollutant>: the event affects that pollutant ('all' affects the six). Days of several
-- events are one row, their ids and reasons joined. Nothing is deleted: the statistics are computed with and
-- without these days (intermediate.air_period_stats, basis).
-- materialized: view
WITH events AS (
    SELECT
        event_id, scope, code, event_type, reason, approved_by,
        string_split(replace(replace(CAST(pollutants AS VARCHAR), ' ', ''), ',', ';'), ';') AS named,
        CAST(d AS DATE) AS day
    FROM seeds.air_exceptional_events,
        unnest(generate_series(CAST(first_day AS TIMESTAMP), CAST(last_day AS TIMESTAMP), INTERVAL 1 DAY)) AS t (d)
),
scoped AS (
    SELECT scope, code, e.* EXCLUDE (scope, code) FROM events AS e
    UNION ALL
    SELECT 'station' AS scope, s.code, e.* EXCLUDE (scope, code)
    FROM events AS e
    JOIN seeds.stations AS s ON s.area = e.code
    WHERE e.scope = 'area'
)
SELECT
    scope,
    code,
    day,
    bool_or(list_contains(named, 'all') OR list_contains(named, 'PM2.5')) AS excl_pm25,
    bool_or(list_contains(named, 'all') OR list_contains(named, 'PM10')) AS excl_pm10,
    bool_or(list_contains(named, 'all') OR list_contains(named, 'SO2')) AS excl_so2,
    bool_or(list_contains(named, 'all') OR list_contains(named, 'NO2')) AS excl_no2,
    bool_or(list_contains(named, 'all') OR list_contains(named, 'CO')) AS excl_co,
    bool_or(list_contains(named, 'all') OR list_contains(named, 'O3')) AS excl_o3_8h,
    string_agg(DISTINCT event_id, ', ' ORDER BY event_id) AS event_ids,
    string_agg(DISTINCT event_type, ', ' ORDER BY event_type) AS event_types,
    string_agg(DISTINCT reason, '; ' ORDER BY reason) AS reasons,
    string_agg(DISTINCT approved_by, '; ' ORDER BY approved_by) AS approved_by
FROM scoped
GROUP BY scope, code, day

"""The SQL of the area, station and section pages (地区 / 站点 / 断面), on the published snapshot.

One query per kind over every place at once (not one per place): the build stays proportional to the rows of the
last 30 days, whatever the number of stations (docs/status-page.md). The window ends on the snapshot's latest day
of that domain (air: ``marts.air_station_daily``; water: ``marts.water_reading_class``), not on the clock, so a
page built from an old snapshot still shows 30 days of data. Levels, colours, classes and limits are those of the
marts and seeds (``seeds.air_quality_limits``, Grade II, the set in force that day: ``limits_standard``).
"""

WINDOW_DAYS = 30

# The 30 days of air: one row per place and day. {table} is marts.air_area_daily or marts.air_station_daily and
# {key} its place column; the limits are joined per day, so a change of standard shows as a step.
AIR_DAYS = """
WITH last AS (SELECT max(day) AS day FROM marts.air_station_daily)
SELECT d.{key} AS id, d.day, d.aqi, d.level, d.category_zh, d.category_en, d.color, d.primary_pollutant,
       round(d.pm25, 1)::DOUBLE AS pm25, round(d.o3_8h_max, 1)::DOUBLE AS o3_8h, pm.grade_ii AS pm25_limit,
       o3.grade_ii AS o3_8h_limit, d.limits_standard, d.complete
FROM {table} AS d
LEFT JOIN seeds.air_quality_limits AS pm
  ON pm.standard = d.limits_standard AND pm.pollutant = 'PM2.5' AND pm.averaging = '24h'
LEFT JOIN seeds.air_quality_limits AS o3
  ON o3.standard = d.limits_standard AND o3.pollutant = 'O3' AND o3.averaging = 'daily_max_8h'
WHERE d.day > (SELECT day FROM last) - INTERVAL {days} DAY
ORDER BY id, d.day
"""

AREAS = """
SELECT area AS id, area_en AS name_en, province, province_en, official_name
FROM seeds.areas ORDER BY province DESC, area
"""

# Every station in service of the ten areas (the pages' catalog; the national catalog's thousands included).
STATIONS = """
SELECT s.code AS id, s.name, s.area, s.area_en, s.province, s.lon, s.lat, s.is_background
FROM seeds.stations AS s JOIN seeds.areas USING (area)
WHERE s.in_service
ORDER BY s.code
"""

SECTIONS = """
SELECT section_code AS id, name, river, province, area, is_border_section, border_role, target_class, water_body
FROM seeds.water_sections ORDER BY section_code
"""

# Every classed reading of the last 30 days, with how many classes worse than the target (section_colors.csv).
SECTION_READINGS = """
WITH last AS (SELECT max(day) AS day FROM marts.water_reading_class)
SELECT r.section_code AS id, r.ts, r.water_class, r.class_rank, r.target_class, t.class_rank AS target_rank,
       greatest(r.class_rank - t.class_rank, 0) AS classes_worse, r.compliant, r.worst_parameters
FROM marts.water_reading_class AS r
JOIN seeds.water_classes AS t ON t.water_class = r.target_class
WHERE r.water_class IS NOT NULL AND r.day > (SELECT day FROM last) - INTERVAL {days} DAY
ORDER BY id, r.ts
"""

# The windows' last days (the pages' calendars and charts run over the 30 days up to them) and the sources.
WINDOWS = """
SELECT (SELECT max(day) FROM marts.air_station_daily) AS air_end,
       (SELECT max(day) FROM marts.water_reading_class) AS water_end,
       (SELECT max(day) FROM alerts.event_states) AS alerts_end,
       (SELECT string_agg(DISTINCT source, ',' ORDER BY source) FROM meta.batches) AS sources
"""

WATER_CLASSES = "SELECT class_rank, water_class, status_zh, status_en FROM seeds.water_classes ORDER BY class_rank"
WATER_PARAMETERS = "SELECT parameter, name_zh, name_en FROM seeds.water_parameters ORDER BY parameter"

# The alerts to show: every alert with a state in the window (or still in force), each with its states (the
# lifecycle; 'active' days are counted, the changes listed). The window ends on the latest day any alert was
# evaluated. The subject is an area, a section code or 'region' (the regional joint warning).
ALERTS = """
WITH last AS (SELECT max(day) AS day FROM alerts.event_states),
shown AS (
    SELECT e.event_id, e.kind, e.subject, e.level, e.status, e.title_zh, e.title_en, e.first_seen, e.last_seen,
           e.data_status, json_extract_string(e.evidence, '$.summary_zh') AS summary_zh
    FROM alerts.events AS e
    WHERE e.status NOT IN ('lifted', 'retracted')
       OR e.last_evaluated > (SELECT day FROM last) - INTERVAL {days} DAY
)
SELECT s.*, list({{'day': st.day, 'status': st.status, 'level': st.level}} ORDER BY st.day)
                FILTER (WHERE st.status <> 'active') AS changes,
       count(*) FILTER (WHERE st.status = 'active') AS days_active
FROM shown AS s JOIN alerts.event_states AS st USING (event_id)
GROUP BY ALL
ORDER BY s.first_seen DESC, s.event_id
"""


def air_days(table: str, key: str) -> str:
    return AIR_DAYS.format(table=table, key=key, days=WINDOW_DAYS)


def section_readings() -> str:
    return SECTION_READINGS.format(days=WINDOW_DAYS)


def alerts() -> str:
    return ALERTS.format(days=WINDOW_DAYS)

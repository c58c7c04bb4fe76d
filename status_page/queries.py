"""The SQL of the overview (总览), on the published snapshot: one query per block of the page.

Each query reads marts and seeds as the pipeline built them: the page computes no AQI, class or colour of its
own (the area colours are ``marts.air_area_daily.color``, from ``seeds.aqi_levels``), so it can never disagree
with ``envmon query``. Only the ten areas of ``seeds.areas`` are shown, whatever catalog the stations come from.
"""

LEVELS = """
SELECT level, category_zh, category_en, color_hex AS color, aqi_min, aqi_max
FROM seeds.aqi_levels ORDER BY aqi_min
"""

# The latest day with an AQI per area; an area without one is still listed (grey on the map, "无数据").
AREAS = """
WITH latest AS (
    SELECT * FROM marts.air_area_daily WHERE aqi IS NOT NULL
    QUALIFY row_number() OVER (PARTITION BY area ORDER BY day DESC) = 1
)
SELECT a.area, a.area_en, a.province, a.province_en, l.day, l.aqi, l.level, l.category_zh, l.category_en,
       l.color, l.primary_pollutant, l.complete, l.stations_used
FROM seeds.areas AS a LEFT JOIN latest AS l USING (area)
ORDER BY a.province DESC, a.area
"""

# Each station's latest hour with an AQI (hourly label = end of the hour, CST).
STATIONS = """
WITH latest AS (
    SELECT station_code, ts, aqi, primary_pollutant, category_zh, color FROM marts.air_hourly_aqi
    WHERE aqi IS NOT NULL
    QUALIFY row_number() OVER (PARTITION BY station_code ORDER BY ts DESC) = 1
)
SELECT s.code, s.name, s.area, s.lon, s.lat, s.is_background, l.ts, l.aqi, l.primary_pollutant,
       l.category_zh, l.color
FROM seeds.stations AS s JOIN seeds.areas USING (area) LEFT JOIN latest AS l ON l.station_code = s.code
WHERE s.in_service
ORDER BY s.area, s.code
"""

# Each section's latest classed reading against its target; colour by how many classes worse (section_colors.csv).
SECTIONS = """
WITH latest AS (
    SELECT section_code, ts, water_class, class_rank, worst_parameters FROM marts.water_reading_class
    WHERE water_class IS NOT NULL
    QUALIFY row_number() OVER (PARTITION BY section_code ORDER BY ts DESC) = 1
)
SELECT s.section_code AS code, s.name, s.river, s.province, s.area, s.lon, s.lat, s.is_border_section,
       s.border_role, s.target_class, l.ts, l.water_class, l.worst_parameters,
       greatest(l.class_rank - t.class_rank, 0) AS classes_worse
FROM seeds.water_sections AS s
JOIN seeds.water_classes AS t ON t.water_class = s.target_class
LEFT JOIN latest AS l USING (section_code)
ORDER BY s.river, s.order_along_river
"""

# In force: every alert whose last state is not an end (lifted, retracted). Who was told and who acknowledged,
# from the notification and acknowledgement tables (a recipient counts once).
ALERTS = """
WITH told AS (
    SELECT event_id, count(DISTINCT recipient) AS told, string_agg(DISTINCT role, ',' ORDER BY role) AS roles
    FROM alerts.notifications WHERE NOT coalesce(superseded, false) GROUP BY event_id
), acked AS (
    SELECT event_id, count(DISTINCT recipient) AS acknowledged FROM alerts.acknowledgements GROUP BY event_id
)
SELECT e.event_id, e.kind, e.subject, e.level, e.status, e.title_zh, e.title_en, e.first_seen, e.last_seen,
       e.data_status, e.capture_pct, json_extract_string(e.evidence, '$.summary_zh') AS summary_zh,
       json_extract_string(e.evidence, '$.topic') AS topic,
       coalesce(told.told, 0) AS told, told.roles, coalesce(acked.acknowledged, 0) AS acknowledged
FROM alerts.events AS e LEFT JOIN told USING (event_id) LEFT JOIN acked USING (event_id)
WHERE e.status NOT IN ('lifted', 'retracted')
ORDER BY e.first_seen DESC, e.kind, e.subject
"""

DATA_STATUS = """
SELECT
    (SELECT max(ts) FROM marts.air_hourly_aqi) AS air_latest_hour,
    (SELECT count(DISTINCT station_code) FROM marts.air_hourly_aqi
      WHERE aqi IS NOT NULL AND ts = (SELECT max(ts) FROM marts.air_hourly_aqi)) AS stations_reporting,
    (SELECT max(day) FROM marts.air_area_daily WHERE aqi IS NOT NULL) AS air_latest_day,
    (SELECT max(ts) FROM marts.water_reading_class) AS water_latest,
    (SELECT count(DISTINCT section_code) FROM marts.water_reading_class
      WHERE day = (SELECT max(day) FROM marts.water_reading_class)) AS sections_reporting,
    (SELECT count(*) FROM seeds.water_sections) AS sections_total,
    (SELECT max(received_at) FROM meta.batches) AS last_batch_received,
    (SELECT string_agg(DISTINCT source, ',' ORDER BY source) FROM meta.batches) AS sources
"""

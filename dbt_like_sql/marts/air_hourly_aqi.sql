-- Hourly (real-time) AQI per station x hour, as the national platform publishes it (STANDARDS §2): 1-h PM2.5 and
-- PM10 scored on the 24-h breakpoints, 1-h SO2, NO2, CO and O3 on the 1-h breakpoints (O3 8-h not used), the
-- standard's SO2 > 800 rule, 500 above the table. standard = the HJ 633 version of the hour's natural day.
-- partitioned: day
SELECT
    h.station_code,
    s.area,
    h.ts,
    h.day,
    r.standard,
    h.pm25, h.pm10, h.so2, h.no2, h.co, h.o3,
    a.iaqi_pm25, a.iaqi_pm10, a.iaqi_so2, a.iaqi_no2, a.iaqi_co, a.iaqi_o3,
    a.aqi,
    a.primary_pollutant,
    a.level, a.category_zh, a.category_en, a.color,
    a.complete
FROM intermediate.air_hourly_valid AS h
LEFT JOIN seeds.stations AS s ON s.code = h.station_code
LEFT JOIN intermediate.air_rules_by_day AS r ON r.day = h.day
LEFT JOIN (SELECT * FROM intermediate.air_aqi WHERE scale = 'hour' AND in_input_days(day)) AS a
  ON a.subject = h.station_code AND a.time = h.ts

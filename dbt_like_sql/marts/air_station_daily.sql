-- Daily statistics per station x natural day (日报, D 01:00 ... D+1 00:00): 24-h means (NULL unless >= 20 hours),
-- O3 daily max 8-h (17 windows ending 08:00-24:00, HJ 663 rule) and max 1-h, hours and windows available,
-- validity flags, IAQIs, daily AQI (HJ 633 of the day), primary pollutant(s), level, and exceedance of the GB 3095
-- Grade II limits in force that day (limits_standard). o3_1h_max is scored only under HJ 633-2012.
-- partitioned: day
SELECT
    d.station_code,
    s.area,
    s.province,
    d.day,
    r.standard,
    r.limits_standard,
    d.pm25, d.pm10, d.so2, d.no2, d.co, d.o3_8h_max, d.o3_1h_max,
    d.hours_pm25, d.hours_pm10, d.hours_so2, d.hours_no2, d.hours_co, d.hours_o3, d.o3_8h_windows,
    d.valid_pm25, d.valid_pm10, d.valid_so2, d.valid_no2, d.valid_co, d.valid_o3_8h,
    a.iaqi_pm25, a.iaqi_pm10, a.iaqi_so2, a.iaqi_no2, a.iaqi_co, a.iaqi_o3_8h, a.iaqi_o3_1h,
    a.aqi,
    a.primary_pollutant,
    a.exceeding_pollutants,
    a.level, a.category_zh, a.category_en, a.color,
    coalesce(a.exceed_pm25, false) AS exceed_pm25,
    coalesce(a.exceed_pm10, false) AS exceed_pm10,
    coalesce(a.exceed_so2, false) AS exceed_so2,
    coalesce(a.exceed_no2, false) AS exceed_no2,
    coalesce(a.exceed_co, false) AS exceed_co,
    coalesce(a.exceed_o3_8h, false) AS exceed_o3_8h,
    a.complete
FROM intermediate.air_station_daily_values AS d
LEFT JOIN seeds.stations AS s ON s.code = d.station_code
LEFT JOIN intermediate.air_rules_by_day AS r ON r.day = d.day
LEFT JOIN (SELECT * FROM intermediate.air_aqi WHERE scale = 'station_day' AND in_input_days(day)) AS a
  ON a.subject = d.station_code AND a.time = CAST(d.day AS TIMESTAMP)
WHERE in_input_days(d.day)

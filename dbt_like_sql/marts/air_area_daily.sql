-- Daily statistics per area x natural day from the mean of the area's stations' valid daily values (background
-- stations 对照点 included; see docs/air-quality.md), scored like a station: IAQIs, AQI, primary pollutant(s),
-- level, Grade II exceedances. stations_used = stations with at least one valid daily value; stations_<pollutant>
-- = stations whose value entered that mean.
-- partitioned: day
SELECT
    d.area,
    d.province,
    d.day,
    d.stations_used,
    r.standard,
    r.limits_standard,
    d.pm25, d.pm10, d.so2, d.no2, d.co, d.o3_8h_max, d.o3_1h_max,
    d.stations_pm25, d.stations_pm10, d.stations_so2, d.stations_no2, d.stations_co, d.stations_o3_8h,
    d.pm25 IS NOT NULL AS valid_pm25,
    d.pm10 IS NOT NULL AS valid_pm10,
    d.so2 IS NOT NULL AS valid_so2,
    d.no2 IS NOT NULL AS valid_no2,
    d.co IS NOT NULL AS valid_co,
    d.o3_8h_max IS NOT NULL AS valid_o3_8h,
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
FROM intermediate.air_area_daily_values AS d
LEFT JOIN intermediate.air_rules_by_day AS r ON r.day = d.day
LEFT JOIN (SELECT * FROM intermediate.air_aqi WHERE scale = 'area_day' AND in_input_days(day)) AS a
  ON a.subject = d.area AND a.time = CAST(d.day AS TIMESTAMP)

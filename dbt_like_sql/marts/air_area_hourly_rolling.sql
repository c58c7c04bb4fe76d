-- Rolling 24-h AQI per area x hour: the area's mean of its stations' moving 24-h PM2.5, PM10, SO2, NO2, CO and the
-- max O3 8-h of the last 24 hours, scored on the daily breakpoints (HJ 633 of the hour's day). For warnings such
-- as "rolling 24-h AQI > 200 for >= 12 h"; not a published national statistic.
-- partitioned: day
SELECT
    a.subject AS area,
    a.time AS ts,
    a.day,
    a.standard,
    a.iaqi_pm25, a.iaqi_pm10, a.iaqi_so2, a.iaqi_no2, a.iaqi_co, a.iaqi_o3_8h,
    a.aqi AS aqi_24h,
    a.primary_pollutant,
    a.level, a.category_zh, a.category_en, a.color
FROM intermediate.air_aqi AS a
WHERE a.scale = 'area_rolling' AND in_input_days(a.day)

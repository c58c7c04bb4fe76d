-- Area x natural day concentrations: for each pollutant, the arithmetic mean of the area's stations' VALID daily
-- values (HJ 663: a city's concentration is the mean of its stations; background stations 对照点 included, as the
-- national method does). An area value exists when at least one station's value is valid.
-- partitioned: day
SELECT
    s.area,
    any_value(s.province) AS province,
    d.day,
    count(*) FILTER (
        WHERE d.valid_pm25 OR d.valid_pm10 OR d.valid_so2 OR d.valid_no2 OR d.valid_co OR d.valid_o3_8h
    ) AS stations_used,
    avg(exact(d.pm25)) AS pm25, count(d.pm25) AS stations_pm25,
    avg(exact(d.pm10)) AS pm10, count(d.pm10) AS stations_pm10,
    avg(exact(d.so2)) AS so2, count(d.so2) AS stations_so2,
    avg(exact(d.no2)) AS no2, count(d.no2) AS stations_no2,
    avg(exact(d.co)) AS co, count(d.co) AS stations_co,
    avg(exact(d.o3_8h_max)) AS o3_8h_max, count(d.o3_8h_max) AS stations_o3_8h,
    avg(exact(d.o3_1h_max)) AS o3_1h_max
FROM intermediate.air_station_daily_values AS d
JOIN seeds.stations AS s ON s.code = d.station_code
WHERE in_input_days(d.day)
GROUP BY s.area, d.day

CREATE SCHEMA IF NOT EXISTS forecast;

-- Forecast daily AQI per area (HJ 633 daily method on forecast concentrations: 24-h means, O3 daily max 8-h).
-- One row per (issue_date, area, target_date, source); a source's forecast of one issue date is replaced as a whole.
-- area = the area's Chinese name as in seeds.areas (自贡 ... 荣昌). Concentrations ug/m3, co mg/m3; NULL = not
-- available (too few forecast hours). aqi NULL = not computable. standard = the HJ 633 version used (by target_date).
-- load_partition = the daily partition whose run wrote the rows.
CREATE TABLE IF NOT EXISTS forecast.aqi_daily (
    issue_date        DATE NOT NULL,
    area              VARCHAR NOT NULL,
    target_date       DATE NOT NULL,
    aqi               INTEGER,
    primary_pollutant VARCHAR,
    pm25              DOUBLE,
    pm10              DOUBLE,
    so2               DOUBLE,
    no2               DOUBLE,
    co                DOUBLE,
    o3_8h             DOUBLE,
    standard          VARCHAR,
    source            VARCHAR NOT NULL,
    load_partition    DATE NOT NULL
);

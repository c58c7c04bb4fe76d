-- Modelled (not measured) hourly concentrations per area, e.g. Open-Meteo's CAMS values at the area's centroid.
-- Kept apart from staging.air_hourly on purpose: never counted for data capture, compliance or station statistics.
-- ts = end of the hour, CST (naive); ug/m3, co mg/m3.
CREATE TABLE IF NOT EXISTS staging.air_modelled_hourly (
    area           VARCHAR NOT NULL,
    ts             TIMESTAMP NOT NULL,
    pm25           DOUBLE,
    pm10           DOUBLE,
    so2            DOUBLE,
    no2            DOUBLE,
    o3             DOUBLE,
    co             DOUBLE,
    source         VARCHAR NOT NULL,
    load_partition DATE NOT NULL
);

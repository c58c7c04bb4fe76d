-- Hourly air readings, one row per station x hour. ts = end of the averaging hour, China Standard Time (naive).
-- load_partition = the daily partition whose run wrote the row (re-running it replaces exactly those rows).
CREATE TABLE IF NOT EXISTS staging.air_hourly (
    station_code   VARCHAR NOT NULL,
    ts             TIMESTAMP NOT NULL,
    pm25           DOUBLE,
    pm10           DOUBLE,
    so2            DOUBLE,
    no2            DOUBLE,
    o3             DOUBLE,
    co             DOUBLE,
    source         VARCHAR NOT NULL,
    batch_id       VARCHAR NOT NULL,
    load_partition DATE NOT NULL
);

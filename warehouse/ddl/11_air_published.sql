-- What the national platform itself published for each station x hour (archive source only), kept beside our
-- own computations to compare with them: AQI, the 24-h moving means, O3 8-h and its running daily maximum.
-- ts = end of the hour (CST); load_partition = the natural day whose run wrote the row.
CREATE TABLE IF NOT EXISTS staging.air_hourly_published (
    station_code   VARCHAR NOT NULL,
    ts             TIMESTAMP NOT NULL,
    aqi            DOUBLE,
    pm25_24h       DOUBLE,
    pm10_24h       DOUBLE,
    so2_24h        DOUBLE,
    no2_24h        DOUBLE,
    o3_24h         DOUBLE,
    o3_8h          DOUBLE,
    o3_8h_24h      DOUBLE,
    co_24h         DOUBLE,
    load_partition DATE NOT NULL
);

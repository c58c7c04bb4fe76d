-- Value-level quality flags of staging.air_hourly (codes: seeds.quality_flags). The value stays in staging;
-- intermediate.air_hourly_valid nulls it when its flag invalidates. Replaced with its partition.
CREATE TABLE IF NOT EXISTS staging.air_value_flags (
    station_code   VARCHAR NOT NULL,
    ts             TIMESTAMP NOT NULL,
    pollutant      VARCHAR NOT NULL,
    flag_code      VARCHAR NOT NULL,
    load_partition DATE NOT NULL
);

-- Value-level quality flags of staging.air_hourly (codes: seeds.quality_flags). The value stays in staging;
-- intermediate.air_hourly_valid nulls it when its flag invalidates. Replaced with its partition.
CREATE TABLE IF NOT EXISTS staging.air_value_flags (
    station_code   VARCHAR NOT NULL,
    ts             TIMESTAMP NOT NULL,
    pollutant      VARCHAR NOT NULL,
    flag_code      VARCHAR NOT NULL,
    load_partition DATE NOT NULL
);

-- Value-level quality flags of staging.water_readings, per staged row (batch_id: a reading superseded by a later
-- file takes its flags with it). intermediate.water_values leaves a value out when its flag invalidates.
CREATE TABLE IF NOT EXISTS staging.water_value_flags (
    section_code   VARCHAR NOT NULL,
    ts             TIMESTAMP NOT NULL,
    parameter      VARCHAR NOT NULL,
    flag_code      VARCHAR NOT NULL,
    source         VARCHAR NOT NULL,
    batch_id       VARCHAR NOT NULL,
    load_partition DATE NOT NULL
);

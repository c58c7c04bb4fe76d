-- Each province's report of a river reading (省份 of a monitoring-centre file in the national layout): one row per
-- section x time x reporting province. At a border both provinces' centres may report the same section and time:
-- both reports are kept here, side by side (marts.water_report_comparison), while staging.water_readings holds the
-- one value per section and time that the statistics use, chosen by a documented rule (assets/water/report_choice.py:
-- the downstream province's report). A province's later file replaces its own earlier report (a correction); the
-- raw batch of every file stays under raw/. batch_id = the hash of the file's content.
CREATE TABLE IF NOT EXISTS staging.water_province_reports (
    section_code       VARCHAR NOT NULL,
    ts                 TIMESTAMP NOT NULL,
    reporting_province VARCHAR NOT NULL,
    water_temp         DOUBLE,
    ph                 DOUBLE,
    dissolved_oxygen   DOUBLE,
    conductivity       DOUBLE,
    turbidity          DOUBLE,
    codmn              DOUBLE,
    ammonia_nitrogen   DOUBLE,
    total_phosphorus   DOUBLE,
    total_nitrogen     DOUBLE,
    reported_class     VARCHAR,
    batch_id           VARCHAR NOT NULL,
    file               VARCHAR,
    received_at        TIMESTAMP NOT NULL,
    load_partition     DATE NOT NULL
);

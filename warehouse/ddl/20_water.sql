-- 4-hourly river readings, one row per section x time. ts = reading time, China Standard Time (naive); the natural
-- day of a reading is CAST(ts - INTERVAL 1 HOUR AS DATE), as for air. Units: water_temp C, conductivity uS/cm,
-- turbidity NTU, pH dimensionless, the others mg/L. reported_class = 水质类别 as a monitoring-centre file stated it
-- (kept for comparison; the marts compute the class themselves).
-- load_partition: the daily partition that wrote the row (generator), or the reading's natural day (files);
-- batch_id: the raw batch (for files, the hash of the file's content).
CREATE TABLE IF NOT EXISTS staging.water_readings (
    section_code     VARCHAR NOT NULL,
    ts               TIMESTAMP NOT NULL,
    water_temp       DOUBLE,
    ph               DOUBLE,
    dissolved_oxygen DOUBLE,
    conductivity     DOUBLE,
    turbidity        DOUBLE,
    codmn            DOUBLE,
    ammonia_nitrogen DOUBLE,
    total_phosphorus DOUBLE,
    total_nitrogen   DOUBLE,
    reported_class   VARCHAR,
    source           VARCHAR NOT NULL,
    batch_id         VARCHAR NOT NULL,
    load_partition   DATE NOT NULL
);

-- Every monitoring-centre file the landing folder or `envmon ingest` received, by content hash: a file whose hash
-- is here is never loaded again.
CREATE TABLE IF NOT EXISTS meta.water_files (
    content_hash  VARCHAR NOT NULL,
    file_name     VARCHAR NOT NULL,
    received_at   TIMESTAMP NOT NULL,
    status        VARCHAR NOT NULL,   -- loaded | rejected | duplicate
    rows_in       BIGINT,
    rows_staged   BIGINT,
    rows_rejected BIGINT,
    moved_to      VARCHAR,
    reason        VARCHAR
);

CREATE SCHEMA IF NOT EXISTS seeds;
CREATE SCHEMA IF NOT EXISTS staging;
CREATE SCHEMA IF NOT EXISTS quarantine;
CREATE SCHEMA IF NOT EXISTS marts;
CREATE SCHEMA IF NOT EXISTS meta;

-- One row per batch a source delivered: where its raw file is and what became of its rows.
CREATE TABLE IF NOT EXISTS meta.batches (
    dataset        VARCHAR NOT NULL,
    source         VARCHAR NOT NULL,
    load_partition DATE NOT NULL,
    batch_id       VARCHAR NOT NULL,
    raw_path       VARCHAR NOT NULL,
    rows_in        BIGINT NOT NULL,
    rows_staged    BIGINT NOT NULL,
    rows_rejected  BIGINT NOT NULL
);
-- when the batch arrived (the alert ledger's "triggering data arrived"); rows of older warehouses have none
ALTER TABLE meta.batches ADD COLUMN IF NOT EXISTS received_at TIMESTAMP;

-- Every row that did not reach staging, with the original values and why. file: the file the row came from (file
-- sources: row_number is then the row in that file, header = row 1), NULL for other sources.
CREATE TABLE IF NOT EXISTS quarantine.rejected_rows (
    dataset        VARCHAR NOT NULL,
    source         VARCHAR NOT NULL,
    batch_id       VARCHAR NOT NULL,
    load_partition DATE NOT NULL,
    received_at    TIMESTAMP,
    row_number     BIGINT,
    record         JSON NOT NULL,
    reasons        VARCHAR NOT NULL,
    file           VARCHAR
);
ALTER TABLE quarantine.rejected_rows ADD COLUMN IF NOT EXISTS file VARCHAR;  -- warehouses created before it

-- Every cell that could not be used as a value (not a number, inf/nan, an overflow, a formula without a cached
-- value): in staging the value is NULL with the flag UNP (its reading stays); here its original text, where it was
-- (file, row, field = the file's column or the archive's type) and why. key/ts/parameter: the reading it belonged
-- to (parameter NULL for the archive's published types, which are not readings).
CREATE TABLE IF NOT EXISTS quarantine.rejected_values (
    dataset        VARCHAR NOT NULL,
    source         VARCHAR NOT NULL,
    batch_id       VARCHAR NOT NULL,
    load_partition DATE NOT NULL,
    received_at    TIMESTAMP,
    file           VARCHAR,
    row_number     BIGINT,
    field          VARCHAR NOT NULL,
    key            VARCHAR,
    ts             TIMESTAMP,
    parameter      VARCHAR,
    original       VARCHAR,
    reason         VARCHAR NOT NULL
);

-- Problem lines of what came in: anything a reader met that is neither a clean value nor a rejected row or cell on
-- its own (rows of another date, codes matched after normalisation, formulas without values, extra sheets, old
-- readings, truncated rows, unreadable files...). Each run's lines go to its closing summary and, once per run, to
-- data operations. batch_id: the batch (air/river day) or the file's content hash; day: the partition or the day
-- received; run_id: the Dagster run that met it.
CREATE TABLE IF NOT EXISTS meta.ingest_problems (
    dataset        VARCHAR NOT NULL,
    source         VARCHAR NOT NULL,
    batch_id       VARCHAR,
    file           VARCHAR,
    day            DATE,
    row_number     BIGINT,
    field          VARCHAR,
    kind           VARCHAR NOT NULL,
    message        VARCHAR NOT NULL,
    run_id         VARCHAR,
    seen_at        TIMESTAMP NOT NULL
);

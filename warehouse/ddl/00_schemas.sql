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

-- Every row that did not reach staging, with the original values and why.
CREATE TABLE IF NOT EXISTS quarantine.rejected_rows (
    dataset        VARCHAR NOT NULL,
    source         VARCHAR NOT NULL,
    batch_id       VARCHAR NOT NULL,
    load_partition DATE NOT NULL,
    received_at    TIMESTAMP,
    row_number     BIGINT,
    record         JSON NOT NULL,
    reasons        VARCHAR NOT NULL
);

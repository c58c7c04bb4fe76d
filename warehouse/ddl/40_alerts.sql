CREATE SCHEMA IF NOT EXISTS alerts;

-- The lifecycle of every alert, one row per (alert, evaluated day): the state the rules put it in that day.
-- status: issued | upgraded | downgraded | active (unchanged) | lifted | retracted.
-- revision counts how often a re-run of that day changed the row (part of the e-mail's identity, so an unchanged
-- re-run never re-sends and a corrected one does).
CREATE TABLE IF NOT EXISTS alerts.event_log (
    event_id     VARCHAR NOT NULL,
    day          DATE NOT NULL,
    kind         VARCHAR NOT NULL,
    subject      VARCHAR NOT NULL,
    status       VARCHAR NOT NULL,
    level        VARCHAR NOT NULL,
    level_rank   INTEGER NOT NULL,
    title_zh     VARCHAR NOT NULL,
    title_en     VARCHAR NOT NULL,
    evidence     JSON NOT NULL,
    standard     VARCHAR NOT NULL,
    data_status  VARCHAR NOT NULL,
    capture_pct  DOUBLE,
    recipients   JSON NOT NULL,
    revision     INTEGER NOT NULL,
    message_id   VARCHAR,
    evaluated_at TIMESTAMP NOT NULL,
    PRIMARY KEY (event_id, day)
);

-- One row per alert: its current state (the latest day of its log), first and last day seen active.
CREATE VIEW IF NOT EXISTS alerts.events AS
SELECT
    l.event_id, l.kind, l.subject, l.level, l.status, l.title_zh, l.title_en,
    s.first_seen, s.last_seen, l.evidence, l.standard, l.data_status, l.capture_pct, l.day AS last_evaluated
FROM alerts.event_log AS l
JOIN (
    SELECT event_id, min(day) AS first_seen,
           max(CASE WHEN status NOT IN ('lifted', 'retracted') THEN day END) AS last_seen, max(day) AS last_day
    FROM alerts.event_log GROUP BY event_id
) AS s ON s.event_id = l.event_id AND s.last_day = l.day;

-- The outgoing mail, rendered once. Delivery state is per recipient (alerts.deliveries).
CREATE TABLE IF NOT EXISTS alerts.messages (
    message_id   VARCHAR PRIMARY KEY,
    event_id     VARCHAR,
    subject      VARCHAR NOT NULL,
    body_text    VARCHAR NOT NULL,
    body_html    VARCHAR NOT NULL,
    attachments  JSON NOT NULL,
    created_at   TIMESTAMP NOT NULL
);

-- The delivery queue: one row per message x recipient. A row is created once (re-queuing is a no-op) and only
-- leaves 'pending' when the server accepted it ('sent') or after max attempts ('failed', kept for operators).
-- claimed_by / claimed_until: the delivery pass that holds the row and until when (its lease): a pass sends only
-- rows it holds, so two passes at once never send one message twice (assets/alerts/queue.py).
CREATE TABLE IF NOT EXISTS alerts.deliveries (
    message_id   VARCHAR NOT NULL,
    recipient    VARCHAR NOT NULL,
    name         VARCHAR NOT NULL,
    status       VARCHAR NOT NULL,
    attempts     INTEGER NOT NULL,
    last_error   VARCHAR,
    next_attempt TIMESTAMP NOT NULL,
    queued_at    TIMESTAMP NOT NULL,
    sent_at      TIMESTAMP,
    transport    VARCHAR,
    claimed_by   VARCHAR,
    claimed_until TIMESTAMP,
    refusals     INTEGER DEFAULT 0,   -- permanent (5xx) refusals among the attempts: 5 park the row as 'failed'
    PRIMARY KEY (message_id, recipient)
);
-- warehouses created before these columns existed
ALTER TABLE alerts.deliveries ADD COLUMN IF NOT EXISTS claimed_by VARCHAR;
ALTER TABLE alerts.deliveries ADD COLUMN IF NOT EXISTS claimed_until TIMESTAMP;
ALTER TABLE alerts.deliveries ADD COLUMN IF NOT EXISTS refusals INTEGER DEFAULT 0;

CREATE SCHEMA IF NOT EXISTS alerts;

-- The lifecycle of every alert, append-only: one row per (alert, evaluated day, revision), the state the rules put
-- it in that day. status: issued | upgraded | downgraded | active (unchanged) | lifted | retracted | void (a
-- correction withdrew the revision below: the later days of a retracted alert). revision counts how often a re-run
-- of that day changed the state (part of the e-mail's identity, so an unchanged re-run never re-sends and a
-- corrected one does); a correction adds a revision and never deletes one (assets/alerts/rules/lifecycle.py).
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
    PRIMARY KEY (event_id, day, revision)
);

-- Each (alert, day)'s state now: its highest revision, unless that is void.
CREATE VIEW IF NOT EXISTS alerts.event_states AS
SELECT * FROM (
    SELECT * FROM alerts.event_log
    QUALIFY row_number() OVER (PARTITION BY event_id, day ORDER BY revision DESC) = 1
) WHERE status <> 'void';

-- One row per alert: its current state (the latest day of its states), first and last day seen active.
CREATE VIEW IF NOT EXISTS alerts.events AS
SELECT
    l.event_id, l.kind, l.subject, l.level, l.status, l.title_zh, l.title_en,
    s.first_seen, s.last_seen, l.evidence, l.standard, l.data_status, l.capture_pct, l.day AS last_evaluated
FROM alerts.event_states AS l
JOIN (
    SELECT event_id, min(day) AS first_seen,
           max(CASE WHEN status NOT IN ('lifted', 'retracted') THEN day END) AS last_seen, max(day) AS last_day
    FROM alerts.event_states GROUP BY event_id
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
-- rows it holds, so two passes at once never send one message twice (assets/alerts/mail/queue.py).
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

-- What a mail is (alert | digest | report | notice), the day it is about, and headers of its own (the state changes
-- it holds: X-Envmon-Changes). Written once with the message.
ALTER TABLE alerts.messages ADD COLUMN IF NOT EXISTS mail_kind VARCHAR;
ALTER TABLE alerts.messages ADD COLUMN IF NOT EXISTS mail_day DATE;
ALTER TABLE alerts.messages ADD COLUMN IF NOT EXISTS headers JSON;

-- Every state change (a notifying row of alerts.event_log) x each of its recipients, and the one mail that tells
-- that recipient about it: an immediate alert mail, or the recipient's daily digest (message_id NULL until the
-- digest is composed). change_id = alerts.event_log.message_id of the change. superseded: a re-run replaced the
-- change in the log before its digest was composed (nothing left to tell). assets/alerts/notify/notifications.py.
CREATE TABLE IF NOT EXISTS alerts.notifications (
    change_id    VARCHAR NOT NULL,
    event_id     VARCHAR NOT NULL,
    day          DATE NOT NULL,
    kind         VARCHAR NOT NULL,
    subject      VARCHAR NOT NULL,
    status       VARCHAR NOT NULL,
    level        VARCHAR NOT NULL,
    revision     INTEGER NOT NULL,
    recipient    VARCHAR NOT NULL,
    name         VARCHAR NOT NULL,
    role         VARCHAR NOT NULL,
    channel      VARCHAR NOT NULL,   -- immediate | digest
    evaluated_at TIMESTAMP NOT NULL,
    message_id   VARCHAR,
    superseded   BOOLEAN NOT NULL DEFAULT false,
    PRIMARY KEY (change_id, recipient)
);

-- The daily digests composed: at most one per recipient and day (the day whose state changes it holds).
CREATE TABLE IF NOT EXISTS alerts.digests (
    recipient   VARCHAR NOT NULL,
    day         DATE NOT NULL,
    message_id  VARCHAR NOT NULL,
    composed_at TIMESTAMP NOT NULL,
    changes     INTEGER NOT NULL,
    reminders   INTEGER NOT NULL,
    PRIMARY KEY (recipient, day)
);

-- Every evaluated day: when its rules last ran, and the areas for which no forecast covered the days ahead
-- (told to data operations in the digest; the asset check forecast_coverage warns).
CREATE TABLE IF NOT EXISTS alerts.evaluations (
    day           DATE PRIMARY KEY,
    evaluated_at  TIMESTAMP NOT NULL,
    forecast_gaps JSON NOT NULL
);

-- Receipt confirmations (`envmon ack`): one per alert and recipient; acknowledging again changes nothing.
CREATE TABLE IF NOT EXISTS alerts.acknowledgements (
    event_id        VARCHAR NOT NULL,
    recipient       VARCHAR NOT NULL,
    acknowledged_by VARCHAR NOT NULL,
    acknowledged_at TIMESTAMP NOT NULL,
    note            VARCHAR,
    PRIMARY KEY (event_id, recipient)
);

-- The accountability ledger, one row per alert x recipient (assets/alerts/ledger/ledger.sql, docs/alerts.md): when the
-- triggering data arrived, the rule evaluated it, the first mail about it was queued and delivered, and the
-- recipient acknowledged it. Rebuilt per alert by the alerts/ledger asset, delivery passes and `envmon ack`.
CREATE TABLE IF NOT EXISTS alerts.ledger (
    event_id         VARCHAR NOT NULL,
    kind             VARCHAR NOT NULL,
    subject          VARCHAR NOT NULL,
    recipient        VARCHAR NOT NULL,
    name             VARCHAR NOT NULL,
    role             VARCHAR NOT NULL,
    channel          VARCHAR NOT NULL,
    first_day        DATE NOT NULL,
    first_status     VARCHAR NOT NULL,
    level            VARCHAR NOT NULL,
    status           VARCHAR NOT NULL,
    changes_notified INTEGER NOT NULL,
    data_arrived_at  TIMESTAMP,
    evaluated_at     TIMESTAMP NOT NULL,
    queued_at        TIMESTAMP,
    delivered_at     TIMESTAMP,
    acknowledged_at  TIMESTAMP,
    acknowledged_by  VARCHAR,
    ack_note         VARCHAR,
    minutes_to_notify DOUBLE,
    minutes_to_acknowledge DOUBLE,
    PRIMARY KEY (event_id, recipient)
);

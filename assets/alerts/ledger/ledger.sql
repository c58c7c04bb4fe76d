-- The accountability ledger (alerts.ledger): one row per alert x recipient, for the alerts in $events.
-- status, level: the alert's last state (alerts.events), whatever was told last (a retraction of its first day
-- after its lift on a later day is its last state).
-- The times are those of the first state change told to the recipient (normally the issue):
--   data_arrived_at: the latest batch (meta.batches.received_at) of the alert's dataset holding readings of that
--                    day (the day's own batch, or a monitoring-centre file with readings of it, even one a later
--                    file has since superseded: its readings are then in quarantine.rejected_rows) that arrived
--                    before the rule evaluated it, i.e. the batch that raised it;
--   evaluated_at:    when the evaluation that raised the change ran (alerts.notifications);
--   queued_at, delivered_at: the mail that told it (alerts.deliveries: an immediate mail, or the digest);
--   acknowledged_at: the recipient's `envmon ack` (alerts.acknowledgements).
-- minutes_to_notify = delivered - data arrived; minutes_to_acknowledge = acknowledged - delivered.
-- Not a dbt_like_sql model: it reads alerts.*, written by the alert assets that read the marts (docs/alerts.md).
WITH told AS (
    SELECT n.*, d.queued_at, d.sent_at,
           CASE WHEN n.kind IN ('river_exceedance', 'river_incident')
                     OR json_extract_string(l.evidence, '$.topic') = 'outage:water' THEN 'water_readings'
                ELSE 'air_hourly' END AS dataset
    FROM alerts.notifications AS n
    LEFT JOIN alerts.deliveries AS d ON d.message_id = n.message_id AND d.recipient = n.recipient
    LEFT JOIN alerts.event_log AS l ON l.event_id = n.event_id AND l.day = n.day AND l.revision = n.revision
    WHERE list_contains($events, n.event_id) AND NOT n.superseded
),
first AS (
    SELECT * FROM told
    QUALIFY row_number() OVER (PARTITION BY event_id, recipient ORDER BY day, evaluated_at, change_id) = 1
),
latest AS (
    SELECT t.event_id, t.recipient, e.level, e.status, count(*) AS changes
    FROM told AS t JOIN alerts.events AS e USING (event_id)
    GROUP BY t.event_id, t.recipient, e.level, e.status
),
files AS (  -- monitoring-centre files and the natural days they hold (or held) readings of
    SELECT DISTINCT batch_id, load_partition AS day FROM staging.water_readings
    WHERE source = 'file' AND load_partition IN (SELECT day FROM first)
    UNION
    SELECT DISTINCT batch_id, load_partition AS day FROM quarantine.rejected_rows
    WHERE dataset = 'water_readings' AND source = 'file' AND reasons LIKE 'superseded by%'
        AND load_partition IN (SELECT day FROM first)
),
arrival AS (
    SELECT f.event_id, f.recipient, max(b.received_at) AS data_arrived_at
    FROM first AS f
    JOIN meta.batches AS b ON b.dataset = f.dataset AND b.received_at <= f.evaluated_at
        AND (b.load_partition = f.day OR b.batch_id IN (SELECT batch_id FROM files WHERE files.day = f.day))
    GROUP BY f.event_id, f.recipient
)
SELECT
    f.event_id, f.kind, f.subject, f.recipient, f.name, f.role, f.channel,
    f.day AS first_day, f.status AS first_status, l.level, l.status, l.changes AS changes_notified,
    a.data_arrived_at, f.evaluated_at, f.queued_at, f.sent_at AS delivered_at,
    k.acknowledged_at, k.acknowledged_by, k.note AS ack_note,
    date_diff('second', a.data_arrived_at, f.sent_at) / 60.0 AS minutes_to_notify,
    date_diff('second', f.sent_at, k.acknowledged_at) / 60.0 AS minutes_to_acknowledge
FROM first AS f
JOIN latest AS l USING (event_id, recipient)
LEFT JOIN arrival AS a USING (event_id, recipient)
LEFT JOIN alerts.acknowledgements AS k USING (event_id, recipient)

"""The SQL of the alert pages (预警详情), on the published snapshot: every alert, every change of its lifecycle, and
who was told of it.

Read as the pipeline wrote them: ``alerts.events`` (the state now), ``alerts.event_log`` (append-only: each day's
state and every correction of it as a new revision), ``alerts.notifications`` (each change x recipient) and
``alerts.ledger`` / ``alerts.acknowledgements`` (per alert and recipient: queued, delivered, acknowledged). The page
computes no state of its own.
"""

# Every alert the snapshot holds (in force or ended): a mail's link keeps working as long as the alert is there.
EVENTS = """
SELECT e.event_id, e.kind, e.subject, e.level, e.status, e.title_zh, e.title_en, e.first_seen, e.last_seen,
       e.last_evaluated AS day, e.evidence, e.standard, e.data_status, e.capture_pct,
       s.name AS section_name, s.river, coalesce(s.area, a.area) AS area, a.area_en,
       coalesce(s.province, a.province) AS province, s.is_border_section
FROM alerts.events AS e
LEFT JOIN seeds.water_sections AS s ON s.section_code = e.subject
LEFT JOIN seeds.areas AS a ON a.area = coalesce(s.area, e.subject)
ORDER BY e.event_id
"""

# The lifecycle: every row of the log except the quiet days (``active``: nothing changed, nothing mailed) and the
# voids that withdraw a quiet day, with whether it is still the day's state (a later revision of the same day
# corrected it) and how many were told of it.
LIFECYCLE = """
WITH log AS (
    SELECT *, lag(status) OVER (PARTITION BY event_id, day ORDER BY revision) AS withdrawn,
           revision = max(revision) OVER (PARTITION BY event_id, day) AS current
    FROM alerts.event_log
), told AS (
    SELECT change_id, count(DISTINCT recipient) AS told,
           count(DISTINCT recipient) FILTER (WHERE channel = 'immediate') AS told_at_once
    FROM alerts.notifications WHERE NOT coalesce(superseded, false) GROUP BY change_id
)
SELECT l.event_id, l.day, l.revision, l.kind, l.status, l.level, l.title_zh, l.title_en, l.evidence, l.standard,
       l.data_status, l.capture_pct, l.evaluated_at, l.current,
       coalesce(told.told, 0) AS told, coalesce(told.told_at_once, 0) AS told_at_once
FROM log AS l LEFT JOIN told ON told.change_id = l.message_id
WHERE l.status <> 'active' AND NOT (l.status = 'void' AND l.withdrawn = 'active')
ORDER BY l.event_id, l.day, l.revision
"""

# Who was told: one row per alert x recipient (the ledger), the receipt from the acknowledgements themselves (an
# `envmon ack` after the ledger's last refresh still shows). Names and roles, not addresses (nor ``acknowledged_by``,
# often an address): the page is read by every office.
TOLD = """
SELECT l.event_id, l.name, l.role, l.channel, l.changes_notified, l.queued_at, l.delivered_at,
       coalesce(a.acknowledged_at, l.acknowledged_at) AS acknowledged_at, coalesce(a.note, l.ack_note) AS ack_note
FROM alerts.ledger AS l LEFT JOIN alerts.acknowledgements AS a USING (event_id, recipient)
ORDER BY l.event_id, l.role, l.name
"""

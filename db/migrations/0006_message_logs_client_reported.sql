-- 0006_message_logs_client_reported: when a client (the reference's panel, old scripts) reported a send
-- through POST /api/messages/log. The gateway already logs every send it forwards (D13,
-- docs/decisions.md#d13), so such a report merges into the gateway's row for that send instead of adding a
-- second one; this column marks a row as reported, so each report claims at most one row.
alter table taguato.message_logs add column if not exists client_reported_at timestamptz;

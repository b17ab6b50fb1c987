-- 0009_message_log_text (issue 28): History answers "what did we send to X, and what happened to it?".
-- 1. `message_text`: what a send said, taken from the body the gateway already parsed (the text; a media
--    send's caption; a short summary for other types: location name, contact name, poll question). Cut to
--    4096 characters with an ellipsis by the writer; null for rows written before this migration.
-- 2. The status timeline: queued = created_at, delivered_at and read_at exist already; `sent_at` and
--    `failed_at` complete it (failed with its reason in error_message). Columns rather than an events table:
--    each status happens at most once per message, and the moves are forward only.
-- 3. Bulk jobs link to their messages: an index on scheduled_message_id for History's job filter (the
--    unique index on it is partial and does not serve that query).
alter table taguato.message_logs add column if not exists message_text varchar(4096);
alter table taguato.message_logs add column if not exists sent_at timestamptz;
alter table taguato.message_logs add column if not exists failed_at timestamptz;
create index if not exists idx_message_logs_scheduled_id on taguato.message_logs (scheduled_message_id, id desc)
  where scheduled_message_id is not null;

-- 0004_message_logs_sending: a scheduled-message recipient is claimed by inserting its log row as
-- 'sending' BEFORE the upstream call (the partial unique index on (scheduled_message_id, phone_number)
-- then stops any second worker), and the row becomes 'sent' or 'failed' once the upstream answered (D12, docs/decisions.md#d12).
alter table taguato.message_logs drop constraint if exists message_logs_status_check;
alter table taguato.message_logs add constraint message_logs_status_check
  check (status in ('sending', 'sent', 'failed', 'cancelled', 'delivered', 'read'));

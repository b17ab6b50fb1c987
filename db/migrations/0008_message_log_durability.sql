-- 0008_message_log_durability (issue 31):
-- 1. Each gateway send's log row carries a key chosen when the send was answered (`log_key`), so the
--    durable buffer (services/message-log) can replay a batch after a crash or an outage and the row is
--    still written exactly once (`on conflict do nothing` on this unique key).
-- 2. A scheduled/bulk recipient whose outcome is unknown (the worker stopped between the claim and the
--    upstream's answer, and the upstream could not tell) is `unconfirmed`, never `sent`. Such a row no
--    longer holds the recipient's claim, so the operator's "resend unconfirmed" can claim it again;
--    `scheduled_messages.resend_requested_at` says which unconfirmed rows that request covers.
alter table taguato.message_logs add column if not exists log_key uuid;
create unique index if not exists idx_message_logs_log_key on taguato.message_logs (log_key) where log_key is not null;

alter table taguato.message_logs drop constraint if exists message_logs_status_check;
alter table taguato.message_logs add constraint message_logs_status_check
  check (status in ('sending', 'sent', 'failed', 'cancelled', 'delivered', 'read', 'unconfirmed'));

drop index if exists taguato.idx_message_logs_scheduled;
create unique index idx_message_logs_scheduled on taguato.message_logs (scheduled_message_id, phone_number)
  where scheduled_message_id is not null and status not in ('failed', 'unconfirmed');

alter table taguato.scheduled_messages add column if not exists resend_requested_at timestamptz;

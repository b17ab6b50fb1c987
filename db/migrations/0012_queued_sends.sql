-- 0012_queued_sends (issue 30): queued sends and per-instance pacing budgets (docs/delivery-guarantees.md).
-- 1. A queued send (`X-Send-Mode: queue`, or the instance's send_mode) is a row here until a worker
--    (services/send-queue) delivers it in `seq` order per instance. `sending` is written before the hop:
--    a row found `sending` by the next drain had its worker die mid-send, its outcome is unknown, and it
--    becomes `unconfirmed`, never resent on a guess. `log_key` is the message_logs row of the send.
-- 2. message_logs gains the `queued` status (the 202's row, moved on to sent/failed/unconfirmed).
-- 3. Per-instance send settings (budgets, default send mode) set by the operator, and `linked_at`: when
--    the gateway first saw the instance open, the start of its warm-up ramp.
create table if not exists taguato.queued_sends (
  id bigserial primary key,
  message_id varchar(64) not null unique,
  user_id int not null references taguato.users (id) on delete cascade,
  instance_name varchar(255) not null,
  action varchar(64) not null,
  body jsonb not null,
  content_type varchar(255) not null default 'application/json',
  phone_number varchar(128) not null default '',
  seq bigint not null,
  status varchar(16) not null default 'queued' check (status in ('queued', 'sending', 'sent', 'failed', 'unconfirmed')),
  attempts int not null default 0,
  last_error text,
  wa_message_id varchar(128),
  log_key uuid not null,
  created_at timestamptz not null default now(),
  expires_at timestamptz not null,
  next_attempt_at timestamptz not null default now(),
  finished_at timestamptz,
  unique (instance_name, seq)
);
create index if not exists idx_queued_sends_pending on taguato.queued_sends (instance_name, seq) where status in ('queued', 'sending');
create index if not exists idx_queued_sends_finished on taguato.queued_sends (finished_at) where finished_at is not null;

alter table taguato.message_logs drop constraint if exists message_logs_status_check;
alter table taguato.message_logs add constraint message_logs_status_check
  check (status in ('queued', 'sending', 'sent', 'failed', 'cancelled', 'delivered', 'read', 'unconfirmed'));

create table if not exists taguato.instance_send_settings (
  instance_name varchar(255) primary key,
  per_minute int check (per_minute >= 0),
  new_recipients_per_day int check (new_recipients_per_day >= 0),
  warmup_days int check (warmup_days >= 0),
  send_mode varchar(8) check (send_mode in ('sync', 'queue')),
  linked_at timestamptz,
  updated_at timestamptz not null default now()
);

-- Instances already seen open before this migration are not "newly linked": their ramp starts at
-- their creation, so a long-linked number is not throttled by the upgrade.
insert into taguato.instance_send_settings (instance_name, linked_at)
select s.instance_name, coalesce(ui.created_at, now() - interval '365 days')
from taguato.instance_states s left join taguato.user_instances ui using (instance_name)
where s.was_open
on conflict (instance_name) do nothing;

-- 0011_webhook_deliveries (issue 30, durable webhook deliveries; docs/delivery-guarantees.md):
-- 1. webhook_deliveries: one row per event owed to one user webhook, written before the first attempt
--    (the payload is kept so a retry after a restart, or a replay, sends the same bytes). state:
--    pending (not tried yet), failed (last attempt failed, a retry is queued), delivered, dead (every
--    attempt failed: a dead letter, replayable). max_attempts is where it becomes dead; a replay raises
--    it by one. queue / job_id name the pg-boss job that carries it.
-- 2. webhook_delivery_attempts: the delivery log, one row per attempt (status code or error, latency).
-- 3. user_webhooks: consecutive dead letters, and why and when the gateway disabled the webhook.
create table if not exists taguato.webhook_deliveries (
  id bigserial primary key,
  -- Sent as X-Taguato-Delivery: the same value on every attempt and replay, so receivers can dedupe.
  uid uuid not null default gen_random_uuid(),
  webhook_id int not null references taguato.user_webhooks (id) on delete cascade,
  event varchar(64) not null,
  payload jsonb not null,
  state varchar(16) not null default 'pending' constraint webhook_deliveries_state_check check (state in ('pending', 'failed', 'delivered', 'dead')),
  attempts int not null default 0,
  max_attempts int not null,
  -- Replay requests that reopened it; attempts made after the first are marked `replay` in the log.
  replays int not null default 0,
  last_status_code int,
  last_error text,
  queue varchar(100) not null,
  job_id uuid,
  -- An attempt in progress holds the row until then (a second worker or the inline attempt waits).
  claimed_until timestamptz,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  delivered_at timestamptz
);
create index if not exists idx_webhook_deliveries_webhook on taguato.webhook_deliveries (webhook_id, id desc);
create index if not exists idx_webhook_deliveries_dead on taguato.webhook_deliveries (webhook_id) where state = 'dead';

create table if not exists taguato.webhook_delivery_attempts (
  id bigserial primary key,
  delivery_id bigint not null references taguato.webhook_deliveries (id) on delete cascade,
  attempt int not null,
  status_code int,
  error text,
  latency_ms int,
  replay boolean not null default false,
  created_at timestamptz not null default now()
);
create index if not exists idx_webhook_delivery_attempts_delivery on taguato.webhook_delivery_attempts (delivery_id, attempt);

alter table taguato.user_webhooks add column if not exists consecutive_dead int not null default 0;
alter table taguato.user_webhooks add column if not exists disabled_at timestamptz;
alter table taguato.user_webhooks add column if not exists disabled_reason text;

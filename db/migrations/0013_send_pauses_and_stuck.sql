-- 0013_send_pauses_and_stuck (issue 30, ban signals and stuck messages; docs/delivery-guarantees.md):
-- 1. send_pauses: an instance whose sending the gateway stopped because WhatsApp signalled a ban risk
--    (a 463 nack, a burst of 4xx nacks, a logout nobody asked for). One open row (resumed_at null) per
--    instance at most; resuming closes it, so the rows are also the instance's ban-signal history.
-- 2. message_logs.server_ack_at: when WhatsApp's server acknowledged the send (SERVER_ACK). Both a
--    send's answer and SERVER_ACK leave the row 'sent', so without it a stuck message (no ack at all)
--    cannot be told from one that reached the server and waits for the phone.
-- 3. message_logs.resent_log_key / resent_at: the one resend of an unconfirmed message (the new row's
--    log_key), so a second resend request is refused.
-- 4. stuck_scan_since: the worker only judges rows sent after this migration (older 'sent' rows never
--    had server_ack_at recorded and must not all turn unconfirmed at once).
create table if not exists taguato.send_pauses (
  id serial primary key,
  instance_name varchar(255) not null,
  -- nack_463, nack_burst, logout
  signal varchar(40) not null,
  reason text not null,
  -- the nack code when there is one
  code int,
  paused_at timestamptz not null default now(),
  resumed_at timestamptz,
  resumed_by int references taguato.users (id) on delete set null
);
create unique index if not exists idx_send_pauses_open on taguato.send_pauses (instance_name) where resumed_at is null;
create index if not exists idx_send_pauses_instance on taguato.send_pauses (instance_name, paused_at desc);

alter table taguato.message_logs add column if not exists server_ack_at timestamptz;
alter table taguato.message_logs add column if not exists resent_log_key uuid;
alter table taguato.message_logs add column if not exists resent_at timestamptz;
-- The stuck-message worker's scan: only 'sent' rows without a server ack are candidates.
create index if not exists idx_message_logs_unacked on taguato.message_logs (created_at) where status = 'sent' and server_ack_at is null;
create index if not exists idx_message_logs_unconfirmed on taguato.message_logs (instance_name, created_at) where status = 'unconfirmed';

create table if not exists taguato.stuck_scan_since (
  id int primary key default 1 check (id = 1),
  since timestamptz not null default now()
);
insert into taguato.stuck_scan_since (id) values (1) on conflict do nothing;

-- 0005_inbound_messages: what contacts write to an instance (the upstream's messages.upsert with
-- fromMe false), stored once per (instance, WhatsApp key id) because the global and the per-instance
-- webhooks both deliver each message. Read by GET /api/messages/inbound, purged after
-- RETENTION_INBOUND_DAYS by the purge job. No foreign key to user_instances: a reply outlives a
-- renamed or deleted instance until retention removes it, like message_logs.
create table taguato.inbound_messages (
  id bigserial primary key,
  instance_name varchar(255) not null,
  key_id varchar(128) not null,
  remote_jid varchar(128) not null,
  -- the sender's digits (the JID's user part); '' for a JID without digits.
  from_number varchar(64) not null,
  push_name text,
  message_type varchar(64) not null,
  -- conversation / extendedText text / media caption / reaction / location name...; null for none.
  text text,
  received_at timestamptz not null,
  created_at timestamptz not null default now(),
  unique (instance_name, key_id)
);
create index idx_inbound_instance_received on taguato.inbound_messages (instance_name, received_at desc);
-- admins list every instance newest first, and the purge job deletes by age.
create index idx_inbound_received on taguato.inbound_messages (received_at desc);

-- Which driver an instance runs on (the scheduled sender paces WHATSAPP-BUSINESS instances by the
-- Cloud API's limits). Recorded from POST /instance/create; instances created before are Baileys.
alter table taguato.user_instances add column if not exists integration varchar(40) not null default 'WHATSAPP-BAILEYS';

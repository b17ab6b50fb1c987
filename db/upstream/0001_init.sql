-- upstream schema: the Evolution API v2 stand-in's own state (instances, settings, webhooks, messages).
-- Lives in schema `upstream`, separate from the gateway's tables; applied by db/migrate.ts at upstream start.

create table upstream.instances (
  id uuid primary key,
  name text not null unique,
  integration text not null default 'WHATSAPP-BAILEYS',
  token text not null,
  number text,
  business_id text,
  connection_status text not null default 'close' check (connection_status in ('open', 'connecting', 'close')),
  owner_jid text,
  profile_name text,
  profile_pic_url text,
  disconnection_reason_code int,
  disconnection_object text,
  disconnection_at timestamptz,
  -- Driver auth state ("creds"): null = never paired / logged out. Opaque to everything but the driver.
  session jsonb,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);

create table upstream.settings (
  id text primary key,
  instance_id uuid not null unique references upstream.instances (id) on delete cascade,
  reject_call boolean not null default false,
  msg_call text not null default '',
  groups_ignore boolean not null default false,
  always_online boolean not null default false,
  read_messages boolean not null default false,
  read_status boolean not null default false,
  sync_full_history boolean not null default false,
  wavoip_token text not null default '',
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);

create table upstream.webhooks (
  id text primary key,
  instance_id uuid not null unique references upstream.instances (id) on delete cascade,
  url text not null,
  headers jsonb,
  enabled boolean not null default true,
  events jsonb not null default '[]',
  webhook_by_events boolean not null default false,
  webhook_base64 boolean not null default false,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);

create table upstream.messages (
  -- seq gives a stable "oldest first" order even when created_at ties.
  seq bigint generated always as identity primary key,
  id uuid not null unique,
  instance_id uuid not null references upstream.instances (id) on delete cascade,
  key_id text not null unique,
  remote_jid text not null,
  number text not null,
  from_me boolean not null,
  kind text not null,
  message_type text not null,
  payload jsonb not null,
  raw jsonb not null,
  status text not null,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);

create index messages_instance_seq_idx on upstream.messages (instance_id, seq);
create index messages_instance_jid_idx on upstream.messages (instance_id, remote_jid);

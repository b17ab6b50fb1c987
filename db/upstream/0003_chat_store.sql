-- The per-instance chat store behind /chat/findChats, findContacts, findMessages and findStatusMessage
-- (upstream/AGENTS.md, "Chat store"). Filled from the drivers' events (live messages, history sync, chat,
-- contact and status updates) and from our own sends. Every row belongs to one instance and goes with it
-- (on delete cascade). MESSAGE_RETENTION_DAYS prunes messages and message_updates.

-- 1. upstream.messages keeps every message (sent through the API, received, sent from the phone, synced
--    from history). New columns hold what the find routes answer and part B's actions need.
alter table upstream.messages
  -- send = accepted by a /message route; live = received or sent from the phone while connected;
  -- history = a history sync. GET /sandbox/messages lists only `send`.
  add column origin text,
  -- The WhatsApp key as clients see it: {remoteJid, fromMe, id, participant?}.
  add column key jsonb,
  -- The sender inside a group (phone JID when known), null in 1:1 chats.
  add column participant text,
  add column push_name text not null default '',
  -- The message content as stored (plain texts folded into `conversation`); `payload` keeps the
  -- accepted request body of sends.
  add column message jsonb,
  -- WhatsApp's time, epoch seconds.
  add column message_timestamp bigint,
  -- Device it was written on: ios, android, web, desktop, unknown.
  add column source text not null default 'web',
  add column context_info jsonb,
  -- Media metadata exactly as the driver gave it, so a later download can fetch and decrypt the file:
  -- type (image, video, audio, document, sticker, ptv), mimetype, size, name, WhatsApp CDN url and
  -- direct path, the media key and hashes (base64), and the Cloud API media id.
  add column media_type text,
  add column media_mimetype text,
  add column media_file_length bigint,
  add column media_file_name text,
  add column media_url text,
  add column media_direct_path text,
  add column media_key text,
  add column media_file_sha256 text,
  add column media_file_enc_sha256 text,
  add column media_id text,
  -- Revoked (deleted for everyone) or deleted on the phone; the row is kept, as Evolution keeps it.
  add column deleted boolean not null default false,
  add column edited boolean not null default false;

update upstream.messages set
  origin = case when from_me then 'send' else 'live' end,
  key = coalesce(raw -> 'key', jsonb_build_object('remoteJid', remote_jid, 'fromMe', from_me, 'id', key_id)),
  push_name = coalesce(raw ->> 'pushName', ''),
  message = coalesce(raw -> 'message', payload),
  message_timestamp = coalesce((raw ->> 'messageTimestamp')::bigint, extract(epoch from created_at)::bigint),
  source = coalesce(raw ->> 'source', 'web');

alter table upstream.messages
  alter column origin set not null,
  alter column key set not null,
  alter column message set not null,
  alter column message_timestamp set not null,
  add constraint messages_origin_check check (origin in ('send', 'live', 'history'));

-- A key id is unique per account, not across instances: two instances in one group see the same ids.
alter table upstream.messages drop constraint messages_key_id_key;
create unique index messages_instance_key_idx on upstream.messages (instance_id, key_id);
-- The sandbox ack route and its listing look a key id up across instances.
create index messages_key_idx on upstream.messages (key_id);
drop index upstream.messages_instance_jid_idx;
-- findMessages / findChats: one chat's messages newest first, and all of an instance's.
create index messages_instance_jid_time_idx on upstream.messages (instance_id, remote_jid, message_timestamp desc);
create index messages_instance_time_idx on upstream.messages (instance_id, message_timestamp desc);
-- The retention job deletes across instances by time.
create index messages_time_idx on upstream.messages (message_timestamp);

-- 2. Chats: one row per conversation the instance knows (from messages, the phone's chat list, history).
create table upstream.chats (
  id uuid primary key default gen_random_uuid(),
  instance_id uuid not null references upstream.instances (id) on delete cascade,
  remote_jid text not null,
  -- The phone's name for the chat (group subject, saved contact name), else the first pushName seen.
  name text,
  unread_messages int not null default 0,
  archived boolean not null default false,
  pinned boolean not null default false,
  marked_unread boolean not null default false,
  -- As WhatsApp gives it (epoch ms; -1 = muted forever); null = not muted.
  mute_end_time bigint,
  -- Label ids (strings), as Evolution's Chat.labels.
  labels jsonb not null default '[]',
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  unique (instance_id, remote_jid)
);

-- 3. Contacts: people (and, when the driver reports them, groups) the instance knows.
create table upstream.contacts (
  id uuid primary key default gen_random_uuid(),
  instance_id uuid not null references upstream.instances (id) on delete cascade,
  -- The phone JID when known (LIDs are mapped), else the LID.
  remote_jid text not null,
  push_name text,
  profile_pic_url text,
  lid text,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  unique (instance_id, remote_jid)
);

-- 4. Status history (Evolution's MessageUpdate): one row per ack, revoke (DELETED), edit (EDITED) or
--    poll vote. message_id is null when the message itself is not stored.
create table upstream.message_updates (
  -- seq orders rows written in the same instant.
  seq bigint generated always as identity,
  id uuid primary key default gen_random_uuid(),
  instance_id uuid not null references upstream.instances (id) on delete cascade,
  message_id uuid references upstream.messages (id) on delete cascade,
  key_id text not null,
  remote_jid text not null,
  from_me boolean not null,
  participant text,
  status text not null,
  poll_updates jsonb,
  created_at timestamptz not null default now()
);

create index message_updates_instance_key_idx on upstream.message_updates (instance_id, key_id);
create index message_updates_instance_jid_idx on upstream.message_updates (instance_id, remote_jid, seq);
create index message_updates_message_idx on upstream.message_updates (message_id);
create index message_updates_created_idx on upstream.message_updates (created_at);

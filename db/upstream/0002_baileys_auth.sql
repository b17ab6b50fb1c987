-- Baileys (WhatsApp Web) auth state: the creds and every signal key of an instance, one row per
-- (instance, key type, key id). Creds are type 'creds', id ''. Values are JSON written with Baileys'
-- BufferJSON replacer (Buffers as {type:'Buffer', data:<base64>}). Deleting the instance deletes its keys.
create table upstream.baileys_auth (
  instance_id uuid not null references upstream.instances (id) on delete cascade,
  type text not null,
  id text not null,
  value jsonb not null,
  updated_at timestamptz not null default now(),
  primary key (instance_id, type, id)
);

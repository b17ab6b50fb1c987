-- The groups an instance's account belongs to, behind GET /group/fetchAllGroups (upstream/AGENTS.md, "Groups").
-- Kept from the driver's group events (Baileys groups.upsert / groups.update / group-participants.update, the
-- sandbox's simulated ones) and refreshed by the routes that read WhatsApp anyway (create, findGroupInfos), so
-- listing groups does not ask WhatsApp on every call (Evolution does, and hits rate-overlimit: #1089, #1883).
-- A group the account left is deleted. Goes with its instance (on delete cascade).
create table upstream.groups (
  instance_id uuid not null references upstream.instances (id) on delete cascade,
  -- The group JID (`120363...@g.us`).
  jid text not null,
  -- Baileys' GroupMetadata as WhatsApp last described it (subject, desc, settings, participants...).
  metadata jsonb not null,
  -- The group picture's URL when one was looked up (null = none or never asked).
  picture_url text,
  updated_at timestamptz not null default now(),
  primary key (instance_id, jid)
);

-- WhatsApp Business labels of an instance, behind GET /label/findLabels (upstream/AGENTS.md, "Labels").
-- Filled from the driver's label edits (Baileys `labels.edit`, the sandbox's fixed set); a label the phone
-- deleted is removed. Which chats carry a label stays in upstream.chats.labels (label ids, as Evolution's
-- Chat.labels). Goes with its instance (on delete cascade).
create table upstream.labels (
  instance_id uuid not null references upstream.instances (id) on delete cascade,
  -- WhatsApp's label id (a small number as text), unique per account.
  label_id text not null,
  name text not null,
  -- WhatsApp's colour index (0..19).
  color int not null default 0,
  -- One of WhatsApp Business' predefined labels (New customer, New order, ...), else null.
  predefined_id text,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  primary key (instance_id, label_id)
);

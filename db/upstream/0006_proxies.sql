-- The HTTP or SOCKS proxy of an instance (POST /proxy/set, GET /proxy/find; docs/proxy.md). One row per
-- instance; the Baileys socket and the upstream's own media downloads for that instance go through it from
-- the next connect or restart. A disabled proxy keeps its row with every field empty, as Evolution stores it.
-- The password is needed to use the proxy, so it is stored as given; it is never answered (proxy/find omits it).
-- Goes with its instance (on delete cascade).
create table upstream.proxies (
  id uuid primary key default gen_random_uuid(),
  instance_id uuid not null unique references upstream.instances (id) on delete cascade,
  enabled boolean not null default false,
  host text not null default '',
  -- Text, as Evolution's body and row carry it ("3128").
  port text not null default '',
  -- http, https, socks4 or socks5; empty when disabled.
  protocol text not null default '' check (protocol in ('', 'http', 'https', 'socks4', 'socks5')),
  username text not null default '',
  password text not null default '',
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);

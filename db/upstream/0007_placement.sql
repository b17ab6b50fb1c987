-- Upstream replicas and instance ownership (services/placement). Several upstream processes share this
-- schema; each instance's WhatsApp session lives on exactly one of them, the holder of its lease.

-- One row per replica that ever ran: a replica is live while its heartbeat is younger than the lease TTL.
create table upstream.replicas (
  node_id text primary key,
  url text not null,
  started_at timestamptz not null default now(),
  heartbeat_at timestamptz not null default now(),
  -- Set on SIGTERM: the replica hands its instances over and takes no new ones.
  draining boolean not null default false,
  instances int not null default 0,
  rss_bytes bigint not null default 0
);

-- Who may run an instance's session. `generation` is the fencing token: it grows on every acquisition,
-- so a holder that lost its lease can tell (and is told) that someone else has it now.
create table upstream.instance_leases (
  instance_id uuid primary key references upstream.instances (id) on delete cascade,
  node_id text not null,
  generation bigint not null,
  acquired_at timestamptz not null default now(),
  expires_at timestamptz not null,
  -- Given up by a live holder (a handover): free for the next owner at once, unlike a lease that merely
  -- expired, whose holder may only be slow to renew (after a PostgreSQL outage, say).
  released_at timestamptz
);

-- An admin's "run this instance on that replica" (honoured while that replica is live and not draining).
alter table upstream.instances add column pinned_node text;

-- Every session a replica ran, from lease acquisition to release: intervals of one instance never overlap.
create table upstream.session_intervals (
  id bigserial primary key,
  instance_id uuid not null references upstream.instances (id) on delete cascade,
  node_id text not null,
  generation bigint not null,
  opened_at timestamptz not null,
  closed_at timestamptz,
  close_reason text
);
create index session_intervals_instance on upstream.session_intervals (instance_id, opened_at);

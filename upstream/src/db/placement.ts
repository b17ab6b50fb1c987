/**
 * @module upstream/db/placement
 * The statements of replica placement (services/placement): replica heartbeats, instance leases with
 * their fencing generation, admin pins and the session interval record. Times that decide ownership are
 * PostgreSQL's (`now()`), so replicas with skewed clocks still agree on who holds what.
 */
import type { Sql } from './client.js'

export type ReplicaRow = {
  nodeId: string
  url: string
  startedAt: Date
  heartbeatAt: Date
  draining: boolean
  instances: number
  rssBytes: string
  /** Heartbeat younger than the lease TTL. */
  live: boolean
}

/** One instance as placement sees it: its lease (if any) and pin. */
export type PlacementInstance = {
  id: string
  name: string
  connectionStatus: 'open' | 'connecting' | 'close'
  pinnedNode: string | null
  leaseNode: string | null
  generation: string | null
  /** The lease has not expired (by PostgreSQL's clock). */
  leaseLive: boolean
  /** Its holder gave it up (a handover): free at once. */
  leaseReleased: boolean
}

export type LeaseGrant = { instanceId: string; generation: bigint }

/** Registers or refreshes this replica. */
export async function heartbeat(sql: Sql, r: { nodeId: string; url: string; draining: boolean; instances: number; rssBytes: number; starting: boolean }): Promise<void> {
  await sql`
    insert into upstream.replicas (node_id, url, draining, instances, rss_bytes)
    values (${r.nodeId}, ${r.url}, ${r.draining}, ${r.instances}, ${r.rssBytes})
    on conflict (node_id) do update set
      url = excluded.url, heartbeat_at = now(), draining = excluded.draining,
      instances = excluded.instances, rss_bytes = excluded.rss_bytes,
      started_at = case when ${r.starting} then now() else upstream.replicas.started_at end`
}

/** Every replica with whether it is live (heartbeat within `ttlMs`). */
export async function listReplicas(sql: Sql, ttlMs: number): Promise<ReplicaRow[]> {
  return sql<ReplicaRow[]>`
    select node_id, url, started_at, heartbeat_at, draining, instances, rss_bytes::text as rss_bytes,
           heartbeat_at > now() - make_interval(secs => ${ttlMs / 1000}) as live
    from upstream.replicas order by node_id`
}

/** A stopped replica leaves the list at once instead of after the TTL. */
export async function removeReplica(sql: Sql, nodeId: string): Promise<void> {
  await sql`delete from upstream.replicas where node_id = ${nodeId}`
}

export async function listPlacement(sql: Sql): Promise<PlacementInstance[]> {
  return sql<PlacementInstance[]>`
    select i.id, i.name, i.connection_status, i.pinned_node,
           l.node_id as lease_node, l.generation::text as generation, coalesce(l.expires_at > now(), false) as lease_live,
           l.released_at is not null as lease_released
    from upstream.instances i left join upstream.instance_leases l on l.instance_id = i.id
    order by i.name`
}

/** The live owner of one instance, by name: its node and URL, or null while nobody holds a live lease. */
export async function ownerOf(sql: Sql, name: string, ttlMs: number): Promise<{ nodeId: string; url: string } | null> {
  const [row] = await sql<{ nodeId: string; url: string }[]>`
    select l.node_id, r.url
    from upstream.instances i
    join upstream.instance_leases l on l.instance_id = i.id and l.expires_at > now()
    join upstream.replicas r on r.node_id = l.node_id and r.heartbeat_at > now() - make_interval(secs => ${ttlMs / 1000})
    where i.name = ${name}`
  return row ?? null
}

/**
 * Takes the lease when there is none, when its holder released it, when it is held under this node id
 * (an earlier incarnation of this replica), or, with `takeExpired`, when it expired: the generation grows
 * each time. Null when another node still holds it.
 */
export async function acquireLease(sql: Sql, instanceId: string, nodeId: string, ttlMs: number, takeExpired: boolean): Promise<bigint | null> {
  const [row] = await sql<{ generation: string }[]>`
    insert into upstream.instance_leases (instance_id, node_id, generation, expires_at)
    values (${instanceId}, ${nodeId}, 1, now() + make_interval(secs => ${ttlMs / 1000}))
    on conflict (instance_id) do update set
      node_id = excluded.node_id, generation = upstream.instance_leases.generation + 1,
      acquired_at = now(), expires_at = excluded.expires_at, released_at = null
    where upstream.instance_leases.released_at is not null
       or upstream.instance_leases.node_id = excluded.node_id
       or (${takeExpired} and upstream.instance_leases.expires_at <= now())
    returning generation::text`
  return row ? BigInt(row.generation) : null
}

/** Extends the leases this node still holds at these generations; answers the ones extended. */
export async function renewLeases(sql: Sql, nodeId: string, leases: LeaseGrant[], ttlMs: number): Promise<string[]> {
  if (leases.length === 0) return []
  const ids = leases.map((l) => l.instanceId)
  const gens = leases.map((l) => l.generation.toString())
  const rows = await sql<{ instanceId: string }[]>`
    update upstream.instance_leases l set expires_at = now() + make_interval(secs => ${ttlMs / 1000})
    from unnest(${ids}::uuid[], ${gens}::bigint[]) as held(instance_id, generation)
    where l.instance_id = held.instance_id and l.generation = held.generation and l.node_id = ${nodeId} and l.released_at is null
    returning l.instance_id`
  return rows.map((r) => r.instanceId)
}

/** Gives a lease up (expires it now); the generation stays, so the next holder's is higher. */
export async function releaseLease(sql: Sql, lease: LeaseGrant, nodeId: string): Promise<void> {
  await sql`
    update upstream.instance_leases set expires_at = now(), released_at = now()
    where instance_id = ${lease.instanceId} and generation = ${lease.generation.toString()} and node_id = ${nodeId}`
}

export async function setPin(sql: Sql, name: string, nodeId: string | null): Promise<boolean> {
  const rows = await sql`update upstream.instances set pinned_node = ${nodeId} where name = ${name} returning id`
  return rows.length > 0
}

export async function recordSessionOpen(sql: Sql, lease: LeaseGrant, nodeId: string, at: Date): Promise<string> {
  const [row] = await sql<{ id: string }[]>`
    insert into upstream.session_intervals (instance_id, node_id, generation, opened_at)
    values (${lease.instanceId}, ${nodeId}, ${lease.generation.toString()}, ${at}) returning id::text`
  return row!.id
}

export async function recordSessionClose(sql: Sql, intervalId: string, at: Date, reason: string): Promise<void> {
  await sql`update upstream.session_intervals set closed_at = ${at}, close_reason = ${reason} where id = ${intervalId} and closed_at is null`
}

/** Wakes every replica's placement loop (services/placement listens on this channel). */
export const PLACEMENT_CHANNEL = 'upstream_placement'

export async function notifyPlacement(sql: Sql): Promise<void> {
  await sql`select pg_notify(${PLACEMENT_CHANNEL}, '')`
}

/**
 * @module upstream/db/proxies
 * Queries on upstream.proxies: an instance's proxy (one row per instance, docs/proxy.md). The password is
 * read only by `proxyOf`, which builds the connection; the row the routes answer never carries it.
 */
import type { Tx } from './instances.js'

export type ProxySettings = { enabled: boolean; host: string; port: string; protocol: string; username: string; password: string }

/** The row as GET /proxy/find answers it: no password. */
export type ProxyRow = Omit<ProxySettings, 'password'> & { id: string; instanceId: string; createdAt: Date; updatedAt: Date }

/**
 * Stores (or replaces) the instance's proxy; answers the row without the password. `keepPassword`: the
 * stored password stays when the proxy is the same one (host, port, username): the password is never
 * answered, so a client posting back what it read does not lose it, and it never goes to another host.
 */
export async function upsertProxy(sql: Tx, instanceId: string, p: ProxySettings, keepPassword = false): Promise<ProxyRow> {
  const [row] = await sql<ProxyRow[]>`
    insert into upstream.proxies (instance_id, enabled, host, port, protocol, username, password)
    values (${instanceId}, ${p.enabled}, ${p.host}, ${p.port}, ${p.protocol}, ${p.username}, ${p.password})
    on conflict (instance_id) do update
      set enabled = excluded.enabled, host = excluded.host, port = excluded.port, protocol = excluded.protocol,
          username = excluded.username,
          password = case when ${keepPassword} and excluded.enabled
                               and (upstream.proxies.host, upstream.proxies.port, upstream.proxies.username)
                                   = (excluded.host, excluded.port, excluded.username)
                          then upstream.proxies.password else excluded.password end,
          updated_at = now()
    returning id, enabled, host, port, protocol, username, created_at, updated_at, instance_id`
  return row!
}

/** The stored row without the password, or null. */
export async function findProxy(sql: Tx, instanceId: string): Promise<ProxyRow | null> {
  const [row] = await sql<ProxyRow[]>`
    select id, enabled, host, port, protocol, username, created_at, updated_at, instance_id
      from upstream.proxies where instance_id = ${instanceId}`
  return row ?? null
}

/** The proxy to connect through (password included), or null when none is set or it is disabled. */
export async function proxyOf(sql: Tx, instanceId: string): Promise<ProxySettings | null> {
  const [row] = await sql<ProxySettings[]>`
    select enabled, host, port, protocol, username, password
      from upstream.proxies where instance_id = ${instanceId} and enabled and host <> ''`
  return row ?? null
}

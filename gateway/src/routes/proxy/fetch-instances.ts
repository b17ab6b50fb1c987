/**
 * @module routes/proxy/fetch-instances
 * GET /instance/fetchInstances: proxied, then filtered to the instances the caller may use (owned or
 * granted; admins all, D2 (docs/decisions.md#d2)) and normalised so each row carries both the v2 flat fields (`name`,
 * `connectionStatus`) and the compat `instance:{instanceName,state}` (D14, docs/decisions.md#d14). Never cached by clients.
 * A Cloud API row's `token` is the Meta access token the user gave at create: it never comes back out
 * (not to its owner, not to admins); the row says `tokenSet: true` instead.
 */
import type { Context } from 'hono'
import type { AppEnv } from '../../env.js'
import { hop, parseJson, relay } from './forward.js'
import type { UpstreamPath } from './upstream-path.js'

const NO_STORE = { 'Cache-Control': 'no-store', Pragma: 'no-cache', Expires: '0' }

type Row = Record<string, unknown>

/** Adds the missing half of the v2 / v1-compat pair to one upstream row. */
export function normaliseInstanceRow(row: Row): Row {
  const inner = row.instance && typeof row.instance === 'object' ? (row.instance as Row) : {}
  const name = (row.name ?? inner.instanceName ?? null) as string | null
  const state = (row.connectionStatus ?? inner.state ?? inner.status ?? null) as string | null
  const out: Row = { ...row, name, connectionStatus: state, instance: { ...inner, instanceName: name, state } }
  if (row.integration === 'WHATSAPP-BUSINESS') {
    out.tokenSet = typeof row.token === 'string' && row.token !== ''
    out.token = null
  }
  return out
}

/** Keeps the rows whose name is allowed (null = admin, everything) and normalises them. */
export function filterInstances(rows: unknown[], allowed: Set<string> | null): Row[] {
  const out: Row[] = []
  for (const r of rows) {
    if (!r || typeof r !== 'object' || Array.isArray(r)) continue
    const row = normaliseInstanceRow(r as Row)
    if (allowed === null || (typeof row.name === 'string' && allowed.has(row.name))) out.push(row)
  }
  return out
}

export async function fetchInstances(c: Context<AppEnv>, target: UpstreamPath): Promise<Response> {
  const deps = c.get('deps')
  const user = c.get('user')
  const [res, allowed] = await Promise.all([
    hop(c, { url: target.forwardUrl, body: null, bufferResponse: true, extraHeaders: { 'accept-encoding': 'identity' } }),
    deps.instances.usableNames(user),
  ])
  const body = parseJson(res.body)
  if (res.status >= 400) return relay(c, res, NO_STORE)
  if (!Array.isArray(body)) {
    // Not the expected list: admins see it as is; users get nothing they might not own.
    return allowed === null ? relay(c, res, NO_STORE) : c.json([], 200, NO_STORE)
  }
  return c.json(filterInstances(body, allowed), res.status as 200, NO_STORE)
}

/**
 * @module workers/reconnect
 * Every RECONNECT_CRON (3 min): instances the upstream reports `close` that were seen `open` before
 * (taguato.instance_states) get `GET /instance/connect/{name}`; each attempt is a reconnect_log row
 * (`reconnected` / `failed`). Backoff per instance: after n attempts without reaching `open` again the
 * next waits 3 min x 2^(n-1) (capped at 1 h), and 5 failures within the last hour skip it (reference).
 * Reads both v2 (`name`, `connectionStatus`) and v1 (`instance.instanceName`, `instance.state`) rows.
 * An instance whose last disconnect the upstream's reconnect policy treats as final (`disconnectionReasonCode`
 * 401 logged out, 403 forbidden, 405 stale client version, 440 replaced by another device, 500 bad session)
 * is left alone: reconnecting it would show a QR nobody scans, or take the session back from the device
 * that replaced it. The user reconnects it from the panel (counted as `final` in the run's summary).
 */
import type { Deps } from '../deps.js'
import * as q from '../db/queries/instance-states.js'
import type { Job } from './scheduler.js'

const MAX_PER_RUN = 10
const BASE_BACKOFF_MS = 3 * 60_000
const MAX_BACKOFF_MS = 60 * 60_000

/** Disconnect codes after which the upstream does not retry (upstream/AGENTS.md, close policy). */
export const FINAL_DISCONNECT_CODES: ReadonlySet<number> = new Set([401, 403, 405, 440, 500])

type Row = {
  name?: string
  connectionStatus?: string
  disconnectionReasonCode?: unknown
  instance?: { instanceName?: string; state?: string }
}
export type UpstreamInstance = { name: string; state: string; reasonCode: number | null }

export function normalizeInstances(body: unknown): UpstreamInstance[] {
  if (!Array.isArray(body)) return []
  return (body as Row[])
    .map((r) => ({
      name: r?.name ?? r?.instance?.instanceName,
      state: r?.connectionStatus ?? r?.instance?.state,
      reasonCode: typeof r?.disconnectionReasonCode === 'number' ? r.disconnectionReasonCode : null,
    }))
    .filter((r): r is UpstreamInstance => typeof r.name === 'string' && typeof r.state === 'string')
}

export const backoffMs = (attempts: number): number => (attempts <= 0 ? 0 : Math.min(MAX_BACKOFF_MS, BASE_BACKOFF_MS * 2 ** (attempts - 1)))

export async function runReconnect(deps: Deps): Promise<Record<string, unknown>> {
  const res = await deps.upstream.request('GET', '/instance/fetchInstances', undefined, { timeoutMs: 5000 })
  if (res.status !== 200) throw new Error(`fetchInstances answered ${res.status}`)
  const instances = normalizeInstances(res.body)
  const known = await q.loadStates(deps.sql)
  const telegram = await q.telegramInstances(deps.sql)
  const failing = await q.recentFailures(deps.sql)
  await q.forgetMissing(deps.sql, instances.map((i) => i.name))

  let attempted = 0
  let reconnected = 0
  let failed = 0
  let skipped = 0
  let final = 0
  for (const inst of instances) {
    const prev = known.get(inst.name)
    await q.saveState(deps.sql, inst.name, inst.state)
    if (inst.state !== 'close' || !prev?.was_open || telegram.has(inst.name)) continue
    if (inst.reasonCode !== null && FINAL_DISCONNECT_CODES.has(inst.reasonCode)) {
      final++
      continue
    }
    const waited = prev.last_attempt_at ? Date.now() - prev.last_attempt_at.getTime() : Infinity
    // 20 s of slack: cron ticks are not exactly 3 min apart, and one tick late doubles the wait.
    if ((failing.get(inst.name) ?? 0) >= 5 || waited < backoffMs(prev.reconnect_attempts) - 20_000 || attempted >= MAX_PER_RUN) {
      skipped++
      continue
    }
    attempted++
    let error: string | null = null
    try {
      const r = await deps.upstream.request('GET', `/instance/connect/${encodeURIComponent(inst.name)}`, undefined, { timeoutMs: 5000 })
      if (r.status !== 200) error = `status ${r.status}`
    } catch (err) {
      error = (err as Error).message
    }
    if (error === null) reconnected++
    else failed++
    await q.recordAttempt(deps.sql, inst.name, inst.state, error)
    deps.log[error ? 'warn' : 'info']({ instance: inst.name, error }, error ? 'reconnect failed' : 'reconnect requested')
  }
  return { instances: instances.length, attempted, reconnected, failed, skipped, final }
}

export function reconnectJob(deps: Deps): Job {
  return { name: 'reconnect', schedule: deps.config.RECONNECT_CRON, run: () => runReconnect(deps) }
}

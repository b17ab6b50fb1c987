/**
 * @module services/instance-health
 * One instance's standing (issue 30), for GET /api/instances/{name}/health and the panel's health card:
 * sends and failures since midnight UTC, messages unconfirmed and not yet resent, the latest ban signal
 * and the open pause (services/send-pauses). Counts cover every user's sends through the instance:
 * the health is the number's, whoever sent.
 */
import type { Db } from '../../db/client.js'
import { lastSignal } from '../../db/queries/send-pauses.js'
import type { Pause } from '../send-pauses/index.js'

export type InstanceHealth = {
  instance: string
  sends_today: number
  failures_today: number
  unconfirmed: number
  last_ban_signal: { signal: string; reason: string; code: number | null; at: string } | null
  paused: (Pause & { instance: string }) | null
}

export async function instanceHealth(sql: Db, instance: string, pause: Pause | undefined): Promise<InstanceHealth> {
  const [[counts], last] = await Promise.all([
    sql<{ sends_today: number; failures_today: number; unconfirmed: number }[]>`
      select
        count(*) filter (where created_at >= date_trunc('day', now() at time zone 'UTC') at time zone 'UTC' and status <> 'cancelled')::int as sends_today,
        count(*) filter (where created_at >= date_trunc('day', now() at time zone 'UTC') at time zone 'UTC' and status = 'failed')::int as failures_today,
        (select count(*)::int from taguato.message_logs where instance_name = ${instance} and status = 'unconfirmed' and resent_log_key is null) as unconfirmed
      from taguato.message_logs
      where instance_name = ${instance} and created_at >= date_trunc('day', now() at time zone 'UTC') at time zone 'UTC'`,
    lastSignal(sql, instance),
  ])
  return {
    instance,
    sends_today: counts?.sends_today ?? 0,
    failures_today: counts?.failures_today ?? 0,
    unconfirmed: counts?.unconfirmed ?? 0,
    last_ban_signal: last ? { signal: last.signal, reason: last.reason, code: last.code, at: new Date(last.paused_at).toISOString() } : null,
    paused: pause ? { ...pause, instance } : null,
  }
}

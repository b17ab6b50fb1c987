/**
 * @module db/queries/uptime-checks
 * Writes of the uptime job and the aggregates the status page reads: per-service counts over the
 * 24 h / 7 d / 30 d / 90 d windows (with the first measurement, so a figure covers measured time only), per-UTC-day counts, hourly average latency over 24 h.
 */
import type { Queryable } from '../client.js'

export type CheckInsert = { service: string; status: string; responseTime: number }

export async function insertChecks(db: Queryable, checks: CheckInsert[]): Promise<void> {
  if (checks.length === 0) return
  await db`insert into taguato.uptime_checks ${db(checks.map((c) => ({ service_name: c.service, status: c.status, response_time: c.responseTime })))}`
}

/** The latest recorded status of each service (what the previous uptime run saw). */
export async function lastStatuses(db: Queryable): Promise<Map<string, string>> {
  const rows = await db<{ service_name: string; status: string }[]>`
    select distinct on (service_name) service_name, status from taguato.uptime_checks
    where checked_at > now() - interval '1 day' order by service_name, checked_at desc`
  return new Map(rows.map((r) => [r.service_name, r.status]))
}

export type WindowCounts = { service_name: string; first_at: Date } & Record<'ok_1' | 'n_1' | 'ok_7' | 'n_7' | 'ok_30' | 'n_30' | 'ok_90' | 'n_90', number>

export async function windowCounts(db: Queryable): Promise<WindowCounts[]> {
  return db<WindowCounts[]>`
    select service_name,
      count(*) filter (where ok and checked_at > now() - interval '1 day') as ok_1,
      count(*) filter (where checked_at > now() - interval '1 day') as n_1,
      count(*) filter (where ok and checked_at > now() - interval '7 days') as ok_7,
      count(*) filter (where checked_at > now() - interval '7 days') as n_7,
      count(*) filter (where ok and checked_at > now() - interval '30 days') as ok_30,
      count(*) filter (where checked_at > now() - interval '30 days') as n_30,
      count(*) filter (where ok) as ok_90,
      count(*) as n_90,
      min(checked_at) as first_at
    from (select service_name, checked_at, status = 'operational' as ok from taguato.uptime_checks
          where checked_at > now() - interval '90 days') c
    group by service_name`
}

export async function dailyCounts(db: Queryable, days: number): Promise<{ service_name: string; day: string; ok: number; total: number }[]> {
  return db`
    select service_name, to_char((checked_at at time zone 'UTC')::date, 'YYYY-MM-DD') as day,
      count(*) filter (where status = 'operational') as ok, count(*) as total
    from taguato.uptime_checks
    where checked_at >= (date_trunc('day', now() at time zone 'UTC') - make_interval(days => ${days - 1})) at time zone 'UTC'
    group by 1, 2 order by 1, 2`
}

export async function hourlyLatency(db: Queryable): Promise<{ service_name: string; hour: Date; avg_ms: number }[]> {
  return db`
    select service_name, date_trunc('hour', checked_at) as hour, round(avg(response_time)) as avg_ms
    from taguato.uptime_checks where checked_at > now() - interval '24 hours'
    group by 1, 2 order by 1, 2`
}

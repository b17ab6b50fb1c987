/**
 * @module db/queries/dashboards
 * Aggregates for the user dashboard, the admin dashboard and instance stats. Status buckets:
 * accepted = sent + delivered + read (the upstream took it), delivered = delivered + read,
 * attempts = accepted + failed ('sending' in flight and 'cancelled' excluded).
 * delivery rate = delivered / attempts (only real acks from WhatsApp count as delivered).
 */
import type { Queryable } from '../client.js'

export type StatusCounts = { total: number; attempts: number; accepted: number; delivered: number; read: number; failed: number; cancelled: number; unconfirmed: number }

const COUNTS = `
  count(*) as total,
  count(*) filter (where status in ('sent', 'delivered', 'read', 'failed')) as attempts,
  count(*) filter (where status in ('sent', 'delivered', 'read')) as accepted,
  count(*) filter (where status in ('delivered', 'read')) as delivered,
  count(*) filter (where status = 'read') as read,
  count(*) filter (where status = 'failed') as failed,
  count(*) filter (where status = 'cancelled') as cancelled,
  count(*) filter (where status = 'unconfirmed') as unconfirmed`

/** Percent delivered of attempts, floored to `decimals`. */
export function deliveryRate(c: Pick<StatusCounts, 'attempts' | 'delivered'>, decimals = 0): number {
  if (c.attempts === 0) return 0
  const f = 10 ** decimals
  return Math.floor((100 * f * c.delivered) / c.attempts) / f
}

export async function userMessageStats(q: Queryable, userId: number) {
  const [row] = await q<(StatusCounts & { today: number; week: number; month: number })[]>`
    select ${q.unsafe(COUNTS)},
      count(*) filter (where created_at >= now() - interval '1 day') as today,
      count(*) filter (where created_at >= now() - interval '7 days') as week,
      count(*) filter (where created_at >= now() - interval '30 days') as month
    from taguato.message_logs where user_id = ${userId}`
  return row!
}

export async function userDaily(q: Queryable, userId: number): Promise<{ day: string; count: number }[]> {
  return q`
    select to_char(created_at at time zone 'UTC', 'YYYY-MM-DD') as day, count(*) as count
    from taguato.message_logs where user_id = ${userId} and created_at >= now() - interval '7 days'
    group by 1 order by 1`
}

export async function ownedInstanceCount(q: Queryable, userId: number): Promise<number> {
  const [row] = await q<{ n: number }[]>`select count(*) as n from taguato.user_instances where user_id = ${userId}`
  return row?.n ?? 0
}

/** Instance stats: every user's logs (userId null, admins) or one user's. */
export async function instanceCounts(q: Queryable, instance: string, userId: number | null): Promise<StatusCounts> {
  const [row] = await q<StatusCounts[]>`
    select ${q.unsafe(COUNTS)} from taguato.message_logs
    where instance_name = ${instance} ${userId === null ? q`` : q`and user_id = ${userId}`}`
  return row!
}

export async function instanceDetails(q: Queryable, instance: string, userId: number | null) {
  const mine = userId === null ? q`` : q`and user_id = ${userId}`
  const [registered, recentErrors, reconnections, daily] = await Promise.all([
    q<{ created_at: Date }[]>`select created_at from taguato.user_instances where instance_name = ${instance}`,
    q`select phone_number, message_type, error_message, created_at from taguato.message_logs
      where instance_name = ${instance} and status = 'failed' ${mine} order by created_at desc, id desc limit 10`,
    q`select previous_state, action, result, error_message, created_at from taguato.reconnect_log
      where instance_name = ${instance} order by created_at desc, id desc limit 20`,
    q`select to_char(created_at at time zone 'UTC', 'YYYY-MM-DD') as day, count(*) as total,
        count(*) filter (where status in ('sent', 'delivered', 'read')) as sent,
        count(*) filter (where status = 'failed') as failed,
        count(*) filter (where status in ('delivered', 'read')) as delivered
      from taguato.message_logs where instance_name = ${instance} ${mine} and created_at >= now() - interval '7 days'
      group by 1 order by 1`,
  ])
  return { registered_at: registered[0]?.created_at ?? null, recent_errors: recentErrors, reconnections, daily }
}

export async function adminTotals(q: Queryable) {
  const [[users], [instances], [uptime], [messages]] = await Promise.all([
    q<{ total: number; active: number }[]>`select count(*) as total, count(*) filter (where is_active) as active from taguato.users`,
    q<{ n: number }[]>`select count(*) as n from taguato.user_instances`,
    q<{ pct: number }[]>`
      select case when count(*) = 0 then 100
        else floor(10000.0 * count(*) filter (where status = 'operational') / count(*)) / 100 end as pct
      from taguato.uptime_checks where checked_at >= now() - interval '30 days'`,
    q<(StatusCounts & { today: number })[]>`
      select ${q.unsafe(COUNTS)}, count(*) filter (where created_at >= now() - interval '1 day') as today from taguato.message_logs`,
  ])
  return { users: users!, registered: instances?.n ?? 0, uptime: Number(uptime?.pct ?? 100), messages: messages! }
}

export async function recentActivity(q: Queryable) {
  return q<{ type: string; name: string; created_at: Date }[]>`
    select * from (
      (select 'user_created' as type, username as name, created_at from taguato.users order by created_at desc limit 5)
      union all
      (select 'instance_created', instance_name, created_at from taguato.user_instances order by created_at desc limit 5)
      union all
      (select case when status in ('sent', 'delivered', 'read', 'sending') then 'message_sent'
         when status = 'unconfirmed' then 'message_unconfirmed' else 'message_failed' end,
         instance_name, created_at from taguato.message_logs order by created_at desc limit 5)
      union all
      (select 'user_login', coalesce(username, ''), created_at from taguato.audit_log where action = 'user_login' order by created_at desc limit 5)
    ) a order by created_at desc limit 15`
}

export async function recentReconnections(q: Queryable) {
  return q`select instance_name, previous_state, result, error_message, created_at
    from taguato.reconnect_log order by created_at desc, id desc limit 5`
}

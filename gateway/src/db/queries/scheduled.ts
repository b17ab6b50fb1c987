/**
 * @module db/queries/scheduled
 * scheduled_messages for the API (owner in every statement) and live progress from message_logs.
 * The worker's claim/lease statements are in ./scheduled-worker.ts.
 */
import type { Queryable } from '../client.js'

export type ScheduledRow = {
  id: number
  user_id: number
  instance_name: string
  message_type: string
  message_content: string
  recipients: string
  scheduled_at: Date
  status: string
  results: Record<string, unknown> | null
  created_at: Date
  updated_at: Date
  /** The operator's last "resend unconfirmed" (issue 31); only the worker reads it (not in the API's columns). */
  resend_requested_at?: Date | null
  /** Each recipient's placeholder values (docs/templates.md); only the worker reads it (not in the API's columns). */
  recipient_variables?: Record<string, Record<string, string>> | null
}
export type Progress = { total: number; sent: number; failed: number; unconfirmed: number; pending: number }

const COLS = 'id, user_id, instance_name, message_type, message_content, recipients, scheduled_at, status, results, created_at, updated_at'

export async function listScheduled(q: Queryable, userId: number, status: string | null, limit: number, offset: number) {
  const filter = status ? q`and status = ${status}` : q``
  const [rows, [count]] = await Promise.all([
    q<ScheduledRow[]>`select ${q.unsafe(COLS)} from taguato.scheduled_messages where user_id = ${userId} ${filter}
      order by scheduled_at desc, id desc limit ${limit} offset ${offset}`,
    q<{ total: number }[]>`select count(*) as total from taguato.scheduled_messages where user_id = ${userId} ${filter}`,
  ])
  return { rows, total: count?.total ?? 0 }
}

export async function findScheduled(q: Queryable, userId: number, id: number): Promise<ScheduledRow | undefined> {
  const [row] = await q<ScheduledRow[]>`select ${q.unsafe(COLS)} from taguato.scheduled_messages where id = ${id} and user_id = ${userId}`
  return row
}

/** `variables`: each recipient's placeholder values, null when the content has no placeholders. */
export type NewScheduled = { instance: string; type: string; content: string; recipients: string[]; at: Date; variables?: Record<string, Record<string, string>> | null }

const varsJson = (q: Queryable, m: NewScheduled) => (m.variables ? q.json(m.variables) : null)

export async function insertScheduled(q: Queryable, userId: number, m: NewScheduled): Promise<ScheduledRow> {
  const [row] = await q<ScheduledRow[]>`
    insert into taguato.scheduled_messages (user_id, instance_name, message_type, message_content, recipients, scheduled_at, recipient_variables)
    values (${userId}, ${m.instance}, ${m.type}, ${m.content}, ${JSON.stringify(m.recipients)}, ${m.at}, ${varsJson(q, m)})
    returning ${q.unsafe(COLS)}`
  return row!
}

/** The recipients' placeholder values stored on an own message (an update keeps them for the recipients it keeps). */
export async function storedVariables(q: Queryable, userId: number, id: number): Promise<Record<string, Record<string, string>> | null> {
  const [row] = await q<{ v: Record<string, Record<string, string>> | null }[]>`
    select recipient_variables as v from taguato.scheduled_messages where id = ${id} and user_id = ${userId}`
  return row?.v ?? null
}

/** Updates a pending message only (the worker may have claimed it meanwhile: then undefined). */
export async function updatePending(q: Queryable, userId: number, id: number, m: NewScheduled): Promise<ScheduledRow | undefined> {
  const [row] = await q<ScheduledRow[]>`
    update taguato.scheduled_messages set instance_name = ${m.instance}, message_type = ${m.type}, message_content = ${m.content},
      recipients = ${JSON.stringify(m.recipients)}, scheduled_at = ${m.at}, recipient_variables = ${varsJson(q, m)}, updated_at = now()
    where id = ${id} and user_id = ${userId} and status = 'pending'
    returning ${q.unsafe(COLS)}`
  return row
}

/** Cancels when the status is one of `from`; undefined when it is not (or the row is not the user's). */
export async function cancelScheduled(q: Queryable, userId: number, id: number, from: string[]): Promise<{ id: number; status: string } | undefined> {
  const [row] = await q<{ id: number; status: string }[]>`
    update taguato.scheduled_messages set status = 'cancelled', updated_at = now()
    where id = ${id} and user_id = ${userId} and status in ${q(from)}
    returning id, status`
  return row
}

export type Counts = { sent: number; failed: number; unconfirmed: number }

/**
 * Live per-message counts from message_logs, by each recipient's latest row (a resent unconfirmed
 * recipient counts once, by its resend); sending counts as pending.
 */
export async function progressFor(q: Queryable, ids: number[]): Promise<Map<number, Counts>> {
  const out = new Map<number, Counts>()
  if (ids.length === 0) return out
  const rows = await q<({ id: number } & Counts)[]>`
    select scheduled_message_id as id,
      count(*) filter (where status in ('sent', 'delivered', 'read'))::int as sent,
      count(*) filter (where status = 'failed')::int as failed,
      count(*) filter (where status = 'unconfirmed')::int as unconfirmed
    from (
      select distinct on (scheduled_message_id, phone_number) scheduled_message_id, status
      from taguato.message_logs where scheduled_message_id in ${q(ids)}
      order by scheduled_message_id, phone_number, id desc
    ) latest group by scheduled_message_id`
  for (const r of rows) out.set(r.id, { sent: r.sent, failed: r.failed, unconfirmed: r.unconfirmed })
  return out
}

/** Marks the operator's resend request: the message runs again now and resends its unconfirmed recipients. */
export async function requestResend(q: Queryable, userId: number, id: number): Promise<{ id: number; unconfirmed: number } | undefined> {
  const [row] = await q<{ id: number; unconfirmed: number }[]>`
    with latest as (
      select distinct on (phone_number) status from taguato.message_logs
      where scheduled_message_id = ${id} order by phone_number, id desc
    ), n as (select count(*)::int as unconfirmed from latest where status = 'unconfirmed')
    update taguato.scheduled_messages m
    set status = 'pending', scheduled_at = now(), resend_requested_at = now(), lease_owner = null, lease_until = null, updated_at = now()
    from n
    where m.id = ${id} and m.user_id = ${userId} and m.status in ('completed', 'failed') and n.unconfirmed > 0
    returning m.id, n.unconfirmed`
  return row
}

/** Messages waiting to be sent (pending or processing), for the metrics gauge. */
export async function countUnsentScheduled(q: Queryable): Promise<number> {
  const [row] = await q<{ n: number }[]>`
    select count(*)::int as n from taguato.scheduled_messages where status in ('pending', 'processing')`
  return row?.n ?? 0
}

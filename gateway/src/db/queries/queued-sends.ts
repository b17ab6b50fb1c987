/**
 * @module db/queries/queued-sends
 * Queued sends (taguato.queued_sends, migration 0012); the send settings are in send-settings.ts. A queued send's message_logs row is written in the same transaction
 * as its queue row, so a 202 never leaves one without the other; later moves update both.
 */
import type { Db, Queryable } from '../client.js'

export type QueuedRow = {
  id: string
  message_id: string
  user_id: number
  instance_name: string
  action: string
  body: Record<string, unknown>
  phone_number: string
  seq: string
  status: 'queued' | 'sending' | 'sent' | 'failed' | 'unconfirmed'
  attempts: number
  log_key: string
  expires_at: Date
  next_attempt_at: Date
}

export type NewQueued = {
  messageId: string
  userId: number
  instance: string
  action: string
  body: Record<string, unknown>
  contentType: string
  phone: string
  messageType: string
  messageText: string | null
  logKey: string
  ttlSeconds: number
}

/** Stores the send and its 'queued' log row; answers its place in the instance's order and expiry. */
export async function insertQueued(db: Db, n: NewQueued): Promise<{ seq: string; created_at: Date; expires_at: Date }> {
  return db.begin(async (tx) => {
    // One writer per instance at a time: seq is the instance's order, without gaps or ties.
    await tx`select pg_advisory_xact_lock(hashtext('queued_sends'), hashtext(${n.instance}))`
    const [row] = await tx<{ seq: string; created_at: Date; expires_at: Date }[]>`
      insert into taguato.queued_sends (message_id, user_id, instance_name, action, body, content_type, phone_number, seq, log_key, expires_at)
      values (${n.messageId}, ${n.userId}, ${n.instance}, ${n.action}, ${tx.json(n.body as Parameters<typeof tx.json>[0])}, ${n.contentType}, ${n.phone},
        (select coalesce(max(seq), 0) + 1 from taguato.queued_sends where instance_name = ${n.instance}),
        ${n.logKey}, now() + make_interval(secs => ${n.ttlSeconds}))
      returning seq, created_at, expires_at`
    await tx`
      insert into taguato.message_logs (user_id, instance_name, phone_number, message_type, message_text, status, wa_message_id, log_key)
      values (${n.userId}, ${n.instance}, ${n.phone.slice(0, 128)}, ${n.messageType.slice(0, 20)}, ${n.messageText}, 'queued', ${n.messageId}, ${n.logKey})`
    return row!
  }) as Promise<{ seq: string; created_at: Date; expires_at: Date }>
}

/** The instance's first row not settled yet ('queued', or 'sending' left by a worker that died). */
export async function nextPending(db: Queryable, instance: string): Promise<QueuedRow | null> {
  const [row] = await db<QueuedRow[]>`
    select id, message_id, user_id, instance_name, action, body, phone_number, seq, status, attempts, log_key, expires_at, next_attempt_at
    from taguato.queued_sends where instance_name = ${instance} and status in ('queued', 'sending')
    order by seq limit 1`
  return row ?? null
}

/** Claims the row for one attempt ('sending', committed before the hop); false when someone else did. */
export async function claimRow(db: Queryable, id: string): Promise<boolean> {
  const rows = await db`update taguato.queued_sends set status = 'sending', attempts = attempts + 1 where id = ${id} and status = 'queued' returning id`
  return rows.length === 1
}

/** A transient failure: back to 'queued', next try not before `delayMs`. */
export async function requeueRow(db: Queryable, id: string, error: string, delayMs: number): Promise<void> {
  await db`update taguato.queued_sends set status = 'queued', last_error = ${error}, next_attempt_at = now() + make_interval(secs => ${delayMs / 1000})
    where id = ${id} and status = 'sending'`
}

export type Settle = { status: 'sent'; waMessageId: string | null } | { status: 'failed' | 'unconfirmed'; error: string }

/** Settles the row and its message_logs row (by log_key); forward-only on the log (an ack may have moved it on). */
export async function settleRow(db: Db, row: Pick<QueuedRow, 'id' | 'log_key' | 'message_id'>, s: Settle): Promise<void> {
  const wa = s.status === 'sent' ? s.waMessageId : null
  const error = s.status === 'sent' ? null : s.error
  await db.begin(async (tx) => {
    await tx`update taguato.queued_sends set status = ${s.status}, wa_message_id = ${wa}, last_error = coalesce(${error}, last_error), finished_at = now()
      where id = ${row.id}`
    await tx`update taguato.message_logs set
        status = ${s.status},
        wa_message_id = coalesce(${wa}, wa_message_id),
        error_message = ${error},
        sent_at = case when ${s.status} = 'sent' then coalesce(sent_at, now()) else sent_at end,
        failed_at = case when ${s.status} = 'failed' then coalesce(failed_at, now()) else failed_at end
      where log_key = ${row.log_key} and status in ('queued', 'sending')`
  })
}

/** Instances with rows still to deliver (the sweeper re-enqueues their drain jobs). */
export async function instancesWithPending(db: Queryable): Promise<string[]> {
  const rows = await db<{ instance_name: string }[]>`select distinct instance_name from taguato.queued_sends where status in ('queued', 'sending')`
  return rows.map((r) => r.instance_name)
}

/** Drops settled rows older than `days` (their outcome stays in message_logs). */
export async function purgeSettled(db: Queryable, days: number): Promise<number> {
  const rows = await db`delete from taguato.queued_sends where finished_at < now() - make_interval(days => ${days}) returning id`
  return rows.length
}

/**
 * @module db/queries/scheduled-worker
 * The scheduled-send worker's statements (D12, docs/decisions.md#d12). A message is claimed with FOR UPDATE SKIP LOCKED and a
 * lease (lease_owner, lease_until); a processing message whose lease ran out is claimable again. Each
 * recipient is claimed by inserting its message_logs row as 'sending' BEFORE the send: the partial
 * unique index (scheduled_message_id, phone_number) where status not in ('failed', 'unconfirmed') lets
 * only one worker win. An 'unconfirmed' row (outcome unknown, issue 31) does not hold the claim, so an
 * operator's resend (resend_requested_at) can claim the recipient again.
 */
import type { Queryable } from '../client.js'
import type { ScheduledRow } from './scheduled.js'

export async function claimDue(q: Queryable, owner: string, leaseSeconds: number, busyInstances: string[]): Promise<ScheduledRow | undefined> {
  const [row] = await q<ScheduledRow[]>`
    with due as (
      select id from taguato.scheduled_messages
      where scheduled_at <= now()
        and (status = 'pending' or (status = 'processing' and (lease_until is null or lease_until < now())))
        and not (instance_name = any(${q.array(busyInstances)}::text[]))
      order by scheduled_at, id
      limit 1
      for update skip locked
    )
    update taguato.scheduled_messages m
    set status = 'processing', lease_owner = ${owner}, lease_until = now() + make_interval(secs => ${leaseSeconds}), updated_at = now()
    from due where m.id = due.id
    returning m.*`
  return row
}

/** Renews the lease; 'ok', or why the worker must stop ('cancelled' or 'lost' to another worker). */
export async function renewLease(q: Queryable, id: number, owner: string, leaseSeconds: number): Promise<'ok' | 'cancelled' | 'lost'> {
  const rows = await q`
    update taguato.scheduled_messages set lease_until = now() + make_interval(secs => ${leaseSeconds})
    where id = ${id} and lease_owner = ${owner} and status = 'processing' returning id`
  if (rows.length) return 'ok'
  const [row] = await q<{ status: string }[]>`select status from taguato.scheduled_messages where id = ${id}`
  return row?.status === 'cancelled' ? 'cancelled' : 'lost'
}

export type PriorLog = { id: number; status: string; error_message: string | null; created_at: Date }

/** The latest log row of a recipient of this message, if any. */
export async function priorLog(q: Queryable, messageId: number, phone: string): Promise<PriorLog | undefined> {
  const [row] = await q<PriorLog[]>`
    select id, status, error_message, created_at from taguato.message_logs
    where scheduled_message_id = ${messageId} and phone_number = ${phone} order by id desc limit 1`
  return row
}

/**
 * Claims a recipient: the id of the new 'sending' row (its created_at is the timeline's "queued"), or
 * null when another row already holds it. `text` is History's message_text (already cut to size).
 */
export async function claimRecipient(q: Queryable, m: ScheduledRow, phone: string, text: string | null = null): Promise<number | null> {
  const [row] = await q<{ id: number }[]>`
    insert into taguato.message_logs (user_id, instance_name, phone_number, message_type, message_text, status, scheduled_message_id)
    values (${m.user_id}, ${m.instance_name}, ${phone}, ${m.message_type}, ${text}, 'sending', ${m.id})
    on conflict (scheduled_message_id, phone_number) where scheduled_message_id is not null and status not in ('failed', 'unconfirmed') do nothing
    returning id`
  return row?.id ?? null
}

export async function recordSend(q: Queryable, logId: number, r: { ok: boolean; error: string | null; waMessageId: string | null }): Promise<void> {
  await q`
    update taguato.message_logs set status = ${r.ok ? 'sent' : 'failed'}, error_message = ${r.error}, wa_message_id = ${r.waMessageId},
      sent_at = ${r.ok ? q`now()` : q`null`}, failed_at = ${r.ok ? q`null` : q`now()`}
    where id = ${logId} and status = 'sending'`
}

export const UNCONFIRMED_TEXT =
  'unconfirmed: the worker stopped during this send and the upstream could not tell whether it left; not resent (resend it with "resend unconfirmed")'

/**
 * Settles a 'sending' row left by a worker that died, once the upstream was asked (services/scheduled/
 * confirm): 'sent' when the upstream has the message (its WhatsApp id kept), else 'unconfirmed' (never
 * 'sent': nobody knows). False when the row was no longer 'sending' (someone settled it first).
 */
export async function settleOrphan(
  q: Queryable,
  logId: number,
  r: { sent: true; waMessageId: string | null } | { sent: false; why?: string },
): Promise<boolean> {
  const rows = r.sent
    ? await q`update taguato.message_logs set status = 'sent', error_message = null, wa_message_id = ${r.waMessageId}, sent_at = now()
        where id = ${logId} and status = 'sending' returning id`
    : await q`update taguato.message_logs set status = 'unconfirmed', error_message = ${r.why ?? UNCONFIRMED_TEXT}
        where id = ${logId} and status = 'sending' returning id`
  return rows.length > 0
}


export async function finish(q: Queryable, id: number, owner: string, status: string, results: unknown): Promise<boolean> {
  const rows = await q`
    update taguato.scheduled_messages
    set status = case when status = 'cancelled' then 'cancelled' else ${status} end,
        results = ${q.json(results as never)}, lease_owner = null, lease_until = null, updated_at = now()
    where id = ${id} and lease_owner = ${owner} returning id`
  return rows.length > 0
}

/** Graceful stop: hand the message back at once (status stays processing, lease expired). */
export async function release(q: Queryable, id: number, owner: string): Promise<void> {
  await q`update taguato.scheduled_messages set lease_until = now() where id = ${id} and lease_owner = ${owner}`
}

/** Reference retention: terminal messages untouched for 30 days are deleted. */
export async function purgeOld(q: Queryable): Promise<number> {
  const rows = await q`
    delete from taguato.scheduled_messages
    where status in ('completed', 'cancelled', 'failed') and updated_at < now() - interval '30 days' returning id`
  return rows.length
}

/**
 * Hands stuck messages back to the queue: their lease expired (the worker died), or they have no lease
 * and sat idle for 10 minutes. Returns how many.
 */
export async function releaseStuck(q: Queryable): Promise<number> {
  const rows = await q`
    update taguato.scheduled_messages set status = 'pending', lease_owner = null, lease_until = null, updated_at = now()
    where status = 'processing'
      and (lease_until < now() or (lease_until is null and updated_at < now() - interval '10 minutes'))
    returning id`
  return rows.length
}

/** An unconfirmed row the upstream turned out to have (asked before a resend): sent, not resent. */
export async function confirmUnconfirmed(q: Queryable, logId: number, waMessageId: string | null): Promise<boolean> {
  const rows = await q`update taguato.message_logs set status = 'sent', error_message = null, wa_message_id = ${waMessageId}, sent_at = now()
    where id = ${logId} and status = 'unconfirmed' returning id`
  return rows.length > 0
}

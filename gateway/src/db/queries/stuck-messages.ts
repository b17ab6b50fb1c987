/**
 * @module db/queries/stuck-messages
 * Stuck messages (issue 30, migration 0013): 'sent' rows with no server ack after the timeout become
 * 'unconfirmed'; the share of an instance's latest sends that are; and the one resend of such a row.
 */
import type { Queryable } from '../client.js'

export type StuckRow = { id: number; user_id: number; instance_name: string; phone_number: string; wa_message_id: string; created_at: Date }

/**
 * Marks at most `limit` stuck rows unconfirmed, oldest first. Only rows sent after migration 0013
 * (`stuck_scan_since`): older ones never had their server ack recorded. `skip locked`: two workers
 * (the scheduler runs one at a time anyway) never mark the same row twice.
 */
export function markStuck(q: Queryable, timeoutSeconds: number, limit = 1000): Promise<StuckRow[]> {
  return q<StuckRow[]>`
    with stuck as (
      select id from taguato.message_logs
      where status = 'sent' and server_ack_at is null and wa_message_id is not null
        and created_at >= (select since from taguato.stuck_scan_since where id = 1)
        -- sent_at: a queued send's row is older than the moment it went out.
        and coalesce(sent_at, created_at) < now() - make_interval(secs => ${timeoutSeconds})
      order by created_at
      limit ${limit}
      for update skip locked
    )
    update taguato.message_logs m set status = 'unconfirmed'
    from stuck where m.id = stuck.id
    returning m.id, m.user_id, m.instance_name, m.phone_number, m.wa_message_id, m.created_at`
}

/** How many of the instance's latest `sample` answered sends are unconfirmed. */
export async function unconfirmedShare(q: Queryable, instance: string, sample: number): Promise<{ unconfirmed: number; of: number }> {
  const [row] = await q<{ unconfirmed: number; of: number }[]>`
    select count(*) filter (where status = 'unconfirmed')::int as unconfirmed, count(*)::int as of
    from (
      select status from taguato.message_logs
      where instance_name = ${instance} and status in ('sent', 'delivered', 'read', 'failed', 'unconfirmed')
      order by created_at desc limit ${sample}
    ) latest`
  return row ?? { unconfirmed: 0, of: 0 }
}

export type ResendSource = {
  id: number; user_id: number; instance_name: string; phone_number: string; message_type: string
  message_text: string | null; status: string; resent_log_key: string | null
}

/** The row as the resend route judges it (own rows; admins any). */
export async function resendSource(q: Queryable, id: number, userId: number, isAdmin: boolean): Promise<ResendSource | null> {
  const [row] = await q<ResendSource[]>`
    select id, user_id, instance_name, phone_number, message_type, message_text, status, resent_log_key
    from taguato.message_logs where id = ${id} and (${isAdmin} or user_id = ${userId})`
  return row ?? null
}

/** Claims the one resend: false when another request took it first (or the row is no longer unconfirmed). */
export async function claimResend(q: Queryable, id: number, logKey: string): Promise<boolean> {
  const rows = await q`
    update taguato.message_logs set resent_log_key = ${logKey}::uuid, resent_at = now()
    where id = ${id} and status = 'unconfirmed' and resent_log_key is null returning id`
  return rows.length === 1
}

/** Gives the claim back (the resend was refused before anything was sent: a pause, a budget). */
export async function releaseResend(q: Queryable, id: number, logKey: string): Promise<void> {
  await q`update taguato.message_logs set resent_log_key = null, resent_at = null where id = ${id} and resent_log_key = ${logKey}::uuid`
}

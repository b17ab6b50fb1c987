/**
 * @module db/queries/delivery-status
 * Forward-only status moves of message_logs by WhatsApp message id: rank sending 0 < sent 1 <
 * delivered 2 < read 3; failed (rank 2) only from sending/sent; failed and cancelled never move.
 * 'unconfirmed' (no server ack in time, workers/stuck-messages) ranks as sent: a late ack still moves it.
 * A move to failed with a reason stores it as error_message; without one the old value stays. Each move
 * stamps its time (sent_at, delivered_at, read_at, failed_at: History's status timeline, issue 28).
 */
import type { Queryable } from '../client.js'

/** A row a status update moved: who sent it, through which instance (the live stream tells them). */
export type MovedLog = { id: number; user_id: number; instance_name: string }

export async function applyLogStatus(
  q: Queryable,
  waMessageId: string,
  s: 'sent' | 'delivered' | 'read' | 'failed',
  error: string | null = null,
): Promise<number> {
  return (await applyLogStatusRows(q, waMessageId, s, error)).length
}

/** The same move, answering the rows it changed. */
export async function applyLogStatusRows(
  q: Queryable,
  waMessageId: string,
  s: 'sent' | 'delivered' | 'read' | 'failed',
  error: string | null = null,
): Promise<MovedLog[]> {
  return q<MovedLog[]>`
    update taguato.message_logs set
      status = ${s},
      error_message = case when ${s} = 'failed' and ${error}::text is not null then ${error}::text else error_message end,
      delivered_at = case when ${s} in ('delivered', 'read') then coalesce(delivered_at, now()) else delivered_at end,
      read_at = case when ${s} = 'read' then coalesce(read_at, now()) else read_at end,
      sent_at = case when ${s} = 'sent' then coalesce(sent_at, now()) else sent_at end,
      failed_at = case when ${s} = 'failed' then coalesce(failed_at, now()) else failed_at end
    where wa_message_id = ${waMessageId}
      and (case status when 'sending' then 0 when 'sent' then 1 when 'unconfirmed' then 1 when 'delivered' then 2 when 'read' then 3 else 9 end)
        < (case ${s}::text when 'sent' then 1 when 'delivered' then 2 when 'read' then 3 when 'failed' then 2 else 0 end)
    returning id, user_id, instance_name`
}

export async function logExists(q: Queryable, waMessageId: string): Promise<boolean> {
  const [row] = await q`select 1 from taguato.message_logs where wa_message_id = ${waMessageId} limit 1`
  return row !== undefined
}

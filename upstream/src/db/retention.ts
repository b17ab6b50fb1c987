/**
 * @module upstream/db/retention
 * The retention job's deletes (MESSAGE_RETENTION_DAYS): messages older than a WhatsApp time and status
 * history rows older than a write time, across every instance, in bounded batches so no single
 * statement holds locks on a large part of the table.
 */
import type { Tx } from './instances.js'

/** Deletes up to `batch` messages whose WhatsApp time is before `beforeSeconds` (their status rows go with them). */
export async function deleteMessagesBefore(sql: Tx, beforeSeconds: number, batch: number): Promise<number> {
  const res = await sql`
    delete from upstream.messages
     where seq in (select seq from upstream.messages where message_timestamp < ${beforeSeconds} limit ${batch})`
  return res.count
}

/** Deletes up to `batch` status history rows written before `before`. */
export async function deleteMessageUpdatesBefore(sql: Tx, before: Date, batch: number): Promise<number> {
  const res = await sql`
    delete from upstream.message_updates
     where id in (select id from upstream.message_updates where created_at < ${before} limit ${batch})`
  return res.count
}

/**
 * @module routes/messages/timeline
 * A message's status timeline for GET /api/messages/log/{id} (issue 28): queued, sent, delivered, read,
 * failed (with its reason), cancelled or unconfirmed, each with its time, oldest first. Times come from
 * the row's columns (created_at = queued; sent_at, delivered_at, read_at, failed_at). Rows written before
 * those columns existed have only created_at: a status the row reached is then shown at that time.
 */
import type { LogRow } from '../../db/queries/message-history.js'

export type TimelineEvent = { status: string; at: Date | null; reason: string | null }

type Row = Pick<LogRow, 'status' | 'error_message' | 'created_at' | 'sent_at' | 'delivered_at' | 'read_at' | 'failed_at'>

const REACHED_SENT = new Set(['sent', 'delivered', 'read'])

export function timelineOf(r: Row): TimelineEvent[] {
  const out: TimelineEvent[] = [{ status: 'queued', at: r.created_at, reason: null }]
  const sent = r.sent_at ?? (REACHED_SENT.has(r.status) || r.delivered_at || r.read_at ? r.created_at : null)
  if (sent) out.push({ status: 'sent', at: sent, reason: null })
  if (r.delivered_at) out.push({ status: 'delivered', at: r.delivered_at, reason: null })
  if (r.read_at) out.push({ status: 'read', at: r.read_at, reason: null })
  if (r.failed_at || r.status === 'failed') out.push({ status: 'failed', at: r.failed_at ?? r.created_at, reason: r.error_message })
  if (r.status === 'cancelled') out.push({ status: 'cancelled', at: r.created_at, reason: r.error_message })
  if (r.status === 'unconfirmed') out.push({ status: 'unconfirmed', at: null, reason: r.error_message })
  return out
}

/**
 * @module services/webhooks/delivery-status
 * Moves message_logs rows along sent -> delivered -> read (or sent -> failed) from the upstream's
 * SEND_MESSAGE and MESSAGES_UPDATE events, matched by wa_message_id. A status never moves backwards, so
 * duplicated or reordered events are harmless. An ack can beat the row to the table (the proxy's log
 * writer batches inserts): when no row has that id yet, the update is retried a few times.
 */
import type { Logger } from 'pino'
import type { Db } from '../../db/client.js'
import { eventConfigName } from './events.js'

export type LogStatus = 'sent' | 'delivered' | 'read' | 'failed'
export type StatusUpdate = { waMessageId: string; status: LogStatus }

const ACK: Record<string, LogStatus> = {
  PENDING: 'sent', SERVER_ACK: 'sent', DELIVERY_ACK: 'delivered', READ: 'read', PLAYED: 'read', ERROR: 'failed',
}
const RETRY_DELAYS_MS = [1000, 3000, 10_000]
const MAX_PENDING = 5000

const obj = (v: unknown): Record<string, unknown> | null => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : null)

/** The status change an upstream envelope carries, if any. */
export function statusUpdateFrom(envelope: Record<string, unknown>): StatusUpdate | null {
  const event = typeof envelope.event === 'string' ? eventConfigName(envelope.event) : ''
  const data = obj(envelope.data)
  if (!data || (event !== 'MESSAGES_UPDATE' && event !== 'SEND_MESSAGE')) return null
  const id = event === 'MESSAGES_UPDATE' ? (data.keyId ?? obj(data.key)?.id) : obj(data.key)?.id
  const status = typeof data.status === 'string' ? ACK[data.status.toUpperCase()] : undefined
  if (typeof id !== 'string' || id === '' || !status) return null
  return { waMessageId: id.slice(0, 128), status }
}

export class DeliveryStatus {
  private pending = 0

  constructor(
    private readonly db: Db,
    private readonly log: Logger,
  ) {}

  /** Applies an update; returns the rows changed. */
  async apply(u: StatusUpdate): Promise<number> {
    const s = u.status
    const rows = await this.db`
      update taguato.message_logs set
        status = ${s},
        delivered_at = case when ${s} in ('delivered', 'read') then coalesce(delivered_at, now()) else delivered_at end,
        read_at = case when ${s} = 'read' then coalesce(read_at, now()) else read_at end
      where wa_message_id = ${u.waMessageId}
        and (case status when 'sending' then 0 when 'sent' then 1 when 'delivered' then 2 when 'read' then 3 else 9 end)
          < (case ${s}::text when 'sent' then 1 when 'delivered' then 2 when 'read' then 3 when 'failed' then 2 else 0 end)
      returning id`
    return rows.length
  }

  /** Fire and forget from a receiver: apply now, or later if the row is not there yet. */
  handle(envelope: Record<string, unknown>): void {
    const u = statusUpdateFrom(envelope)
    if (u) void this.applyWithRetry(u, 0)
  }

  private async applyWithRetry(u: StatusUpdate, tryNo: number): Promise<void> {
    try {
      if ((await this.apply(u)) > 0) return
      const [exists] = await this.db`select 1 from taguato.message_logs where wa_message_id = ${u.waMessageId} limit 1`
      if (exists || tryNo >= RETRY_DELAYS_MS.length || this.pending >= MAX_PENDING) return
      this.pending++
      setTimeout(() => {
        this.pending--
        void this.applyWithRetry(u, tryNo + 1)
      }, RETRY_DELAYS_MS[tryNo]).unref()
    } catch (err) {
      this.log.warn({ err: (err as Error).message }, 'delivery status update failed')
    }
  }
}

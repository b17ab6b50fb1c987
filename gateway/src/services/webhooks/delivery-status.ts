/**
 * @module services/webhooks/delivery-status
 * Moves message_logs rows along sent -> delivered -> read (or sent -> failed) from the upstream's
 * SEND_MESSAGE and MESSAGES_UPDATE events, matched by wa_message_id. A status never moves backwards, so
 * duplicated or reordered events are harmless. A failed status may carry the reason (the Cloud API's
 * `error: {code, message}`): it becomes the row's error_message. An ack can beat the row to the table (the proxy's log
 * writer batches inserts): when no row has that id yet, the update is retried a few times.
 */
import type { Logger } from 'pino'
import type { Db } from '../../db/client.js'
import { applyLogStatusRows, logExists, type MovedLog } from '../../db/queries/delivery-status.js'
import { eventConfigName } from './events.js'

export type LogStatus = 'sent' | 'delivered' | 'read' | 'failed'
export type StatusUpdate = { waMessageId: string; status: LogStatus; error?: string }

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
  const error = status === 'failed' ? failureReason(data.error) : null
  return error ? { waMessageId: id.slice(0, 128), status, error } : { waMessageId: id.slice(0, 128), status }
}

/** `error: {code, message}` of a failed status -> "error <code>: <message>" (NUL-free, at most 1000 characters). */
export function failureReason(v: unknown): string | null {
  const e = obj(v)
  if (!e) return null
  const code = typeof e.code === 'number' || (typeof e.code === 'string' && e.code !== '') ? String(e.code) : null
  const message = typeof e.message === 'string' && e.message.trim() !== '' ? e.message.trim() : null
  const text = code && message ? `error ${code}: ${message}` : code ? `error ${code}` : message
  return text ? text.replace(/\0/g, '').slice(0, 1000) : null
}

/** Told about every row an update moved (the live stream publishes it). */
export type OnMoved = (row: MovedLog, u: StatusUpdate) => void

export class DeliveryStatus {
  private pending = 0

  constructor(
    private readonly db: Db,
    private readonly log: Logger,
    private readonly onMoved?: OnMoved,
  ) {}

  /** Applies an update; returns the rows changed. */
  async apply(u: StatusUpdate): Promise<number> {
    const rows = await applyLogStatusRows(this.db, u.waMessageId, u.status, u.error ?? null)
    if (this.onMoved) for (const row of rows) this.onMoved(row, u)
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
      if ((await logExists(this.db, u.waMessageId)) || tryNo >= RETRY_DELAYS_MS.length || this.pending >= MAX_PENDING) return
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

/**
 * @module db/queries/send-pauses
 * Ban-signal pauses (services/send-pauses; migration 0013): at most one open row per instance (a
 * partial unique index), closed by a resume. Also the server-ack stamp the stuck-message worker reads.
 */
import type { Queryable } from '../client.js'

export type PauseSignal = 'nack_463' | 'nack_burst' | 'logout'

export type PauseRow = { instance_name: string; signal: PauseSignal; reason: string; code: number | null; paused_at: Date }

/** Every open pause (the send gate's in-memory set is refreshed from this). */
export function openPauses(q: Queryable): Promise<PauseRow[]> {
  return q<PauseRow[]>`select instance_name, signal, reason, code, paused_at from taguato.send_pauses where resumed_at is null`
}

/** Opens a pause; null when the instance is already paused (the first signal's reason stays). */
export async function insertPause(q: Queryable, p: { instance: string; signal: PauseSignal; reason: string; code: number | null }): Promise<PauseRow | null> {
  const [row] = await q<PauseRow[]>`
    insert into taguato.send_pauses (instance_name, signal, reason, code)
    values (${p.instance}, ${p.signal}, ${p.reason}, ${p.code})
    on conflict (instance_name) where resumed_at is null do nothing
    returning instance_name, signal, reason, code, paused_at`
  return row ?? null
}

/** Closes the open pause; the closed row, or null when the instance was not paused. */
export async function closePause(q: Queryable, instance: string, userId: number | null): Promise<PauseRow | null> {
  const [row] = await q<PauseRow[]>`
    update taguato.send_pauses set resumed_at = now(), resumed_by = ${userId}
    where instance_name = ${instance} and resumed_at is null
    returning instance_name, signal, reason, code, paused_at`
  return row ?? null
}

/** The instance's latest ban signal (open or resumed). */
export async function lastSignal(q: Queryable, instance: string): Promise<PauseRow | null> {
  const [row] = await q<PauseRow[]>`
    select instance_name, signal, reason, code, paused_at from taguato.send_pauses
    where instance_name = ${instance} order by paused_at desc limit 1`
  return row ?? null
}

/**
 * Stamps WhatsApp's server ack on a sent row; an unconfirmed one whose ack came late (and was not
 * resent) is 'sent' again. The number of rows matched (0: the row is not in the table yet).
 */
export async function stampServerAck(q: Queryable, waMessageId: string): Promise<number> {
  const rows = await q`
    update taguato.message_logs set
      server_ack_at = coalesce(server_ack_at, now()),
      status = case when status = 'unconfirmed' and resent_log_key is null then 'sent' else status end
    where wa_message_id = ${waMessageId} and server_ack_at is null
    returning id`
  return rows.length
}

/**
 * @module services/send-pauses/resend
 * The one resend of an unconfirmed message (POST /api/messages/log/{id}/resend): only a text send can
 * be resent (its text is in the log; a media send's file is not kept), and only once: the row is
 * claimed (resent_log_key) before the send, so a second request, even a concurrent one, is 409. The
 * new send passes the send gate like any other (a paused instance refuses it, and the claim is given
 * back: nothing was sent) and gets its own log row, whose log_key the original row names.
 */
import { randomUUID } from 'node:crypto'
import type { Deps } from '../../deps.js'
import type { AuthUser } from '../../env.js'
import { claimResend, releaseResend, resendSource } from '../../db/queries/stuck-messages.js'
import { ApiError } from '../../errors/api-error.js'
import { upstreamErrorText, waMessageId } from '../message-log/message-type.js'
import { MAX_TEXT } from '../message-log/message-text.js'

export type ResendResult = { original_id: number; log_key: string; status: 'sent' | 'failed' | 'queued'; wa_message_id: string | null; error: string | null }

export async function resendUnconfirmed(deps: Deps, user: AuthUser, id: number, requestId: string): Promise<ResendResult> {
  const row = await resendSource(deps.sql, id, user.id, user.role === 'admin')
  if (!row) throw new ApiError(404, 'Message not found')
  if (row.resent_log_key) throw new ApiError(409, 'This message was already resent once', { resent_log_key: row.resent_log_key })
  if (row.status !== 'unconfirmed') throw new ApiError(409, `Only an unconfirmed message can be resent (this one is ${row.status})`)
  const text = row.message_text
  if (row.message_type !== 'text' || !text || (text.length >= MAX_TEXT && text.endsWith('…'))) {
    throw new ApiError(422, 'Only a text message can be resent (the log does not keep media or texts longer than 4096 characters)')
  }
  if (!(await deps.instances.mayUse(user, row.instance_name))) throw new ApiError(403, 'You do not own this instance')
  const logKey = randomUUID()
  if (!(await claimResend(deps.sql, id, logKey))) throw new ApiError(409, 'This message was already resent once')

  const body = { number: row.phone_number, text }
  const raw = Buffer.from(JSON.stringify(body))
  let gated
  try {
    gated = await deps.sendGate.admit({
      user, instance: row.instance_name, action: 'sendText', body, raw, contentType: 'application/json', headers: {}, requestId,
    })
  } catch (err) {
    await releaseResend(deps.sql, id, logKey)
    throw err
  }
  // Answered in the upstream's stead (a queued send): that path logs it when it goes out.
  if (gated) return { original_id: id, log_key: logKey, status: 'queued', wa_message_id: null, error: null }

  let status: 'sent' | 'failed' = 'failed'
  let waId: string | null = null
  let error: string | null = null
  try {
    const res = await deps.upstream.request('POST', `/message/sendText/${encodeURIComponent(row.instance_name)}`, body)
    if (res.status < 400) {
      status = 'sent'
      waId = waMessageId(res.body)
    } else error = upstreamErrorText(res.body) ?? `status ${res.status}`
  } catch (err) {
    error = (err as Error).message
  }
  await deps.messageLog.add({
    user_id: row.user_id, instance_name: row.instance_name, phone_number: row.phone_number, message_type: 'text',
    message_text: text, status, error_message: error, wa_message_id: waId, log_key: logKey,
  })
  deps.log.info({ id, logKey, status }, 'unconfirmed message resent')
  return { original_id: id, log_key: logKey, status, wa_message_id: waId, error }
}

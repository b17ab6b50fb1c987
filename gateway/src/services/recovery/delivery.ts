/**
 * @module services/recovery/delivery
 * Sends a recovery code by email (SMTP_*) or by WhatsApp through RECOVERY_ADMIN_INSTANCE: the instance
 * must report state `open` (v2 connectionState), then sendText. Throws on failure; callers log.
 */
import type { Deps } from '../../deps.js'
import { sendMail, smtpReady } from '../mail/mailer.js'
import { recoveryCodeMail, recoveryWhatsAppText } from '../mail/templates.js'

export type Channel = 'email' | 'whatsapp'

/** email when the user has one and SMTP is configured; else WhatsApp when a phone is on file. */
export function chooseChannel(deps: Deps, user: { email: string | null; phone_number: string | null }): Channel | null {
  if (user.email && smtpReady(deps.config)) return 'email'
  if (user.phone_number) return 'whatsapp'
  return null
}

export async function sendRecoveryWhatsApp(deps: Deps, phone: string, code: string): Promise<void> {
  const instance = deps.config.RECOVERY_ADMIN_INSTANCE.trim()
  if (!instance) throw new Error('RECOVERY_ADMIN_INSTANCE is not configured')
  const path = encodeURIComponent(instance)
  const state = await deps.upstream.request('GET', `/instance/connectionState/${path}`, undefined, { timeoutMs: 5000 })
  const s = state.body as { instance?: { state?: string }; state?: string } | null
  const current = s?.instance?.state ?? s?.state
  if (state.status !== 200 || current !== 'open') throw new Error(`recovery instance not connected (status ${state.status}, state ${current ?? 'unknown'})`)
  const number = phone.replace(/\s+/g, '')
  const sent = await deps.upstream.request('POST', `/message/sendText/${path}`, { number, text: recoveryWhatsAppText(code) }, { timeoutMs: 5000 })
  if (sent.status >= 300) throw new Error(`sendText answered ${sent.status}`)
}

export async function deliverCode(deps: Deps, channel: Channel, user: { email: string | null; phone_number: string | null }, code: string): Promise<void> {
  if (channel === 'email') await sendMail(deps.config, user.email!, recoveryCodeMail(code))
  else await sendRecoveryWhatsApp(deps, user.phone_number!, code)
}

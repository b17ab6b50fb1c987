/**
 * @module services/webhooks/disable-notice
 * What happens when a webhook is disabled for failing (WEBHOOK_DISABLE_AFTER_DEAD dead letters in a
 * row): the reason is already on the row (disabled_reason, shown by the API and the panel); here the
 * instance's upstream webhook is pushed again (one less active webhook), an audit entry is written and,
 * when SMTP is configured and the owner has an email address, the owner is told by email. Operator
 * alerts (ALERT_WEBHOOK_URL) are not used: a user's broken endpoint is not an outage of the service.
 */
import type { Deps } from '../../deps.js'
import { sendMail, smtpReady } from '../mail/mailer.js'
import type { MailContent } from '../mail/templates.js'
import { syncInstance } from './sync.js'

export type DisabledWebhook = { webhookId: number; reason: string; user_id: number; username: string; email: string | null; instance_name: string; webhook_url: string }

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`)

export function disabledMail(w: DisabledWebhook): MailContent {
  const text = [
    `Your webhook for instance "${w.instance_name}" (${w.webhook_url}) was disabled.`,
    w.reason,
    'Its failed deliveries are kept as dead letters. Fix the endpoint, enable the webhook again in the panel (Webhooks) and replay them.',
  ].join('\n\n')
  return { subject: `Webhook disabled: ${w.instance_name}`, text, html: text.split('\n\n').map((p) => `<p>${escapeHtml(p)}</p>`).join('') }
}

export async function notifyDisabled(deps: Deps, w: DisabledWebhook): Promise<void> {
  deps.log.warn({ webhook: w.webhookId, instance: w.instance_name, reason: w.reason }, 'webhook disabled after consecutive dead letters')
  await deps.audit.record({ userId: null, username: 'system', action: 'webhook_disabled', resourceType: 'webhook', resourceId: w.webhookId, details: { instance: w.instance_name, owner: w.username, reason: w.reason } })
  await syncInstance(deps, w.instance_name).catch(() => undefined)
  if (!w.email || !smtpReady(deps.config)) return
  await sendMail(deps.config, w.email, disabledMail(w)).catch((err: Error) => deps.log.warn({ webhook: w.webhookId, err: err.message }, 'webhook disabled notice not sent'))
}

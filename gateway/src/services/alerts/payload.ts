/**
 * @module services/alerts/payload
 * Alert events and the one JSON body that Slack (text, username), Discord (content, username, embeds)
 * and Teams (text) incoming webhooks all accept (R8, docs/decisions.md#r8, plus Discord's `content`).
 */

export type AlertEvent =
  | { kind: 'service_down'; service: string; details?: string }
  | { kind: 'service_recovered'; service: string }
  | { kind: 'breaker_open'; failures: number; resetSeconds: number }
  | { kind: 'breaker_closed' }
  | { kind: 'backup_failed'; error: string }
  /** Ban signals and stuck messages (services/send-pauses, workers/stuck-messages). */
  | { kind: 'sending_paused'; instance: string; reason: string }
  | { kind: 'unconfirmed_jump'; instance: string; unconfirmed: number; of: number }

export type AlertPayload = {
  text: string
  content: string
  username: string
  embeds: { title: string; description: string; color: number }[]
}

export const ALERT_USERNAME = 'TAGUATO-SEND Alerts'
const RED = 14495300
const GREEN = 5763719
const YELLOW = 16776960

/** Cooldown key: one per event kind and subject, so a flapping service does not flood the channel. */
export function cooldownKey(e: AlertEvent): string {
  switch (e.kind) {
    case 'service_down':
      return `svc_down:${e.service}`
    case 'service_recovered':
      return `svc_up:${e.service}`
    case 'breaker_open':
      return 'cb_open'
    case 'breaker_closed':
      return 'cb_closed'
    case 'backup_failed':
      return 'backup_failed'
    case 'sending_paused':
      return `paused:${e.instance}`
    case 'unconfirmed_jump':
      return `unconfirmed:${e.instance}`
  }
}

function parts(e: AlertEvent): { text: string; title: string; description: string; color: number } {
  switch (e.kind) {
    case 'service_down':
      return {
        text: `Service DOWN: ${e.service}${e.details ? ` - ${e.details}` : ''}`,
        title: `Service DOWN: ${e.service}`,
        description: e.details || 'Service is not responding',
        color: RED,
      }
    case 'service_recovered':
      return { text: `Service RECOVERED: ${e.service}`, title: `Service RECOVERED: ${e.service}`, description: 'Service is operational again', color: GREEN }
    case 'breaker_open':
      return {
        text: `Circuit Breaker OPEN after ${e.failures} consecutive failures`,
        title: 'Circuit Breaker OPEN',
        description: `${e.failures} consecutive upstream failures. Requests blocked for ${e.resetSeconds}s.`,
        color: YELLOW,
      }
    case 'breaker_closed':
      return { text: 'Circuit Breaker CLOSED', title: 'Circuit Breaker CLOSED', description: 'Upstream requests are flowing again', color: GREEN }
    case 'backup_failed':
      return { text: `Backup FAILED - ${e.error}`, title: 'Backup FAILED', description: e.error, color: RED }
    case 'sending_paused':
      return { text: `Sending PAUSED on ${e.instance} - ${e.reason}`, title: `Sending PAUSED: ${e.instance}`, description: e.reason, color: RED }
    case 'unconfirmed_jump': {
      const d = `${e.unconfirmed} of the last ${e.of} sends got no server ack (unconfirmed)`
      return { text: `Unconfirmed messages on ${e.instance} - ${d}`, title: `Unconfirmed messages: ${e.instance}`, description: d, color: YELLOW }
    }
  }
}

export function alertPayload(e: AlertEvent): AlertPayload {
  const p = parts(e)
  const text = `[TAGUATO-SEND] ${p.text}`
  return { text, content: text, username: ALERT_USERNAME, embeds: [{ title: p.title, description: p.description, color: p.color }] }
}

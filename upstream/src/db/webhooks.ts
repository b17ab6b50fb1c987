/**
 * @module upstream/db/webhooks
 * Queries on upstream.webhooks (one row per instance, Evolution's `Webhook`).
 */
import type postgres from 'postgres'
import { newCuid } from '../lib/ids.js'
import type { Tx } from './instances.js'

export type WebhookValues = {
  url: string
  headers: Record<string, unknown> | null
  enabled: boolean
  events: string[]
  webhookByEvents: boolean
  webhookBase64: boolean
}

export type WebhookRow = WebhookValues & { id: string; instanceId: string; createdAt: Date; updatedAt: Date }

/** Inserts or replaces the instance's webhook; returns the row in Evolution's field order. */
export async function upsertWebhook(sql: Tx, instanceId: string, w: WebhookValues): Promise<WebhookRow> {
  const headers = w.headers === null ? null : sql.json(w.headers as postgres.JSONValue)
  const [row] = await sql<WebhookRow[]>`
    insert into upstream.webhooks (id, instance_id, url, headers, enabled, events, webhook_by_events, webhook_base64)
    values (${newCuid()}, ${instanceId}, ${w.url}, ${headers}, ${w.enabled}, ${sql.json(w.events)},
            ${w.webhookByEvents}, ${w.webhookBase64})
    on conflict (instance_id) do update set
      url = excluded.url, headers = excluded.headers, enabled = excluded.enabled, events = excluded.events,
      webhook_by_events = excluded.webhook_by_events, webhook_base64 = excluded.webhook_base64, updated_at = now()
    returning *`
  return row!
}

export async function findWebhook(sql: Tx, instanceId: string): Promise<WebhookRow | null> {
  const [row] = await sql<WebhookRow[]>`select * from upstream.webhooks where instance_id = ${instanceId}`
  return row ?? null
}

/** The row exactly as webhook/set and webhook/find print it. */
export function webhookJson(r: WebhookRow) {
  return {
    id: r.id,
    url: r.url,
    headers: r.headers,
    enabled: r.enabled,
    events: r.events,
    webhookByEvents: r.webhookByEvents,
    webhookBase64: r.webhookBase64,
    createdAt: r.createdAt,
    updatedAt: r.updatedAt,
    instanceId: r.instanceId,
  }
}

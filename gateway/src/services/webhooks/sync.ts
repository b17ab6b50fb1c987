/**
 * @module services/webhooks/sync
 * Pushes an instance's webhook to the upstream (v2 `POST /webhook/set/{instance}`). The upstream always
 * points at the gateway's own receiver for that instance (never at a user URL), carrying the union of the
 * events the instance's active user webhooks want; with none active it is disabled. The gateway then
 * forwards each event, signed, to each user URL, re-checking SSRF at delivery.
 */
import type { Deps } from '../../deps.js'
import { activeEventLists, markSynced } from '../../db/queries/webhooks.js'
import { unionEvents, upstreamEvents } from './events.js'
import { instanceReceiverUrl } from './tokens.js'

export type V2WebhookBody = {
  webhook: { enabled: boolean; url: string; byEvents: boolean; base64: boolean; events: string[] }
}

/** Unknown event names (kept on create, see ./events) never reach the upstream. */
export function upstreamBody(receiverUrl: string, stored: string[][]): V2WebhookBody {
  const lists = stored.map(upstreamEvents).filter((l): l is string[] => l !== null)
  const enabled = lists.length > 0
  return { webhook: { enabled, url: receiverUrl, byEvents: false, base64: false, events: enabled ? unionEvents(lists) : [] } }
}

/** Pushes the current state; null on success, else the error text ("status 500", "upstream timeout ..."). */
export async function syncInstance(deps: Deps, instance: string): Promise<string | null> {
  const body = upstreamBody(instanceReceiverUrl(deps.config, instance), await activeEventLists(deps.sql, instance))
  let error: string | null
  try {
    const res = await deps.upstream.request('POST', `/webhook/set/${encodeURIComponent(instance)}`, body, { timeoutMs: 5000 })
    error = res.status >= 400 ? `status ${res.status}` : null
  } catch (err) {
    error = (err as Error).message
  }
  if (error === null) await markSynced(deps.sql, instance)
  else deps.log.warn({ instance, err: error }, 'webhook sync failed')
  return error
}

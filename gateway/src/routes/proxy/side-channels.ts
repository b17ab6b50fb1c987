/**
 * @module routes/proxy/side-channels
 * Fields of an upstream body that make the upstream call an address of the caller's choosing
 * (webhooks, event buses, HTTP proxies, Chatwoot and the bot integrations). Why: D3 (docs/decisions.md#d3) lets users set
 * webhooks only through /api/webhooks, where the URL is checked; without this, `POST /instance/create`
 * with `webhook:{enabled:true,url:"http://127.0.0.1:…"}` was a second, unchecked /webhook/set, and the
 * upstream posted every event of the instance to that address.
 *
 *  - Users: the create body is rebuilt from an allow-list of plain instance fields (Evolution v2's
 *    create body minus its integrations). A side-channel field that carries a value is a 400 naming it;
 *    empty ones (`webhook:{}`, `webhook:{enabled:false}`, `proxyHost:""`, false, null: Evolution
 *    clients send such defaults) and unknown fields are dropped without a word.
 *  - Admins: the body is kept whole, but every address the upstream would call (create's webhook.url,
 *    webhookUrl, chatwootUrl, proxyHost; /webhook/set's webhook.url or v1 `url`; /proxy/set's host)
 *    goes through the webhook SSRF check (services/ssrf), so an operator's typo or a stolen admin
 *    session cannot point the upstream at the gateway's own network either.
 *  - /proxy/set is also the owner's (docs/proxy.md): the same check of its host runs for every caller, so a
 *    user's proxy on 127.0.0.1 or a private address is a 400 here (and the upstream's guard checks again).
 */
import { ApiError } from '../../errors/api-error.js'
import { checkWebhookUrl } from '../../services/ssrf/ssrf.js'

/** Evolution v2 create fields that only describe the instance: nothing here makes the upstream call out. */
export const USER_CREATE_FIELDS: ReadonlySet<string> = new Set([
  'instanceName', 'token', 'number', 'qrcode', 'integration', 'businessId',
  // The instance settings (the same as POST /settings/set, which users may call).
  'rejectCall', 'msgCall', 'groupsIgnore', 'alwaysOnline', 'readMessages', 'readStatus', 'syncFullHistory', 'wavoipToken',
])

/**
 * Names that configure something the upstream calls or connects to: webhook* (webhook, webhookUrl,
 * webhook_by_events, webhookBase64, webhookEvents, webhookHeaders), the event-bus objects, proxy*,
 * chatwoot* and Evolution's bot integrations. Prefixes, case-insensitively: a future Evolution field
 * of the same family is refused rather than forwarded (everything unlisted is dropped anyway).
 */
const SIDE_CHANNEL = /^(?:webhook|events?$|rabbitmq|sqs|websocket|nats|pusher|kafka|proxy|chatwoot|typebot|openai|dify|flowise|n8n|evolutionbot|evoai)/i

export const isSideChannelField = (name: string): boolean => SIDE_CHANNEL.test(name)

/**
 * Whether a value asks for something: a non-blank string, true, a non-zero number, an array or object
 * with such a member. An object whose `enabled` is false is switched off, whatever else it holds.
 */
export function carriesValue(value: unknown): boolean {
  if (value === null || value === undefined || value === false) return false
  if (value === true) return true
  if (typeof value === 'string') return value.trim() !== ''
  if (typeof value === 'number') return value !== 0
  if (Array.isArray(value)) return value.some(carriesValue)
  if (typeof value === 'object') {
    const o = value as Record<string, unknown>
    if (o.enabled === false) return false
    return Object.values(o).some(carriesValue)
  }
  return true
}

export const adminOnlyField = (name: string) => `${name} may only be set by an admin; users set webhooks through /api/webhooks`

/** The create body a user's request may send upstream; throws 400 on a side-channel field with a value. */
export function userCreateBody(body: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {}
  for (const [name, value] of Object.entries(body)) {
    if (USER_CREATE_FIELDS.has(name)) out[name] = value
    else if (isSideChannelField(name) && carriesValue(value)) throw new ApiError(400, adminOnlyField(name))
  }
  return out
}

/** An address the upstream would call, with the body field it came from (named in the 400). */
export type CallTarget = { field: string; url: string }

/** Upstream routes whose whole purpose is a call target: their bodies are checked like create's. */
export type TargetRoute = 'webhookSet' | 'proxySet'

/** `POST /webhook/set/{i}` and `POST /proxy/set/{i}` (segments compared as Express does, case-insensitively). */
export function targetRoute(method: string, segments: readonly string[]): TargetRoute | null {
  if (method !== 'POST' || segments.length < 2 || segments[1]!.toLowerCase() !== 'set') return null
  const family = segments[0]!.toLowerCase()
  return family === 'webhook' ? 'webhookSet' : family === 'proxy' ? 'proxySet' : null
}

const nonBlank = (v: unknown): v is string => typeof v === 'string' && v.trim() !== ''
const asObject = (v: unknown): Record<string, unknown> | null => (v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : null)

/**
 * A proxy host as the URL the check understands: any scheme dropped (the protocol is a field of its
 * own), a bare IPv6 address bracketed, the port added when it is one (WEBHOOK_ALLOWED_HOSTS may list
 * host:port).
 */
export function proxyHostUrl(host: string, port: unknown): string {
  let h = host.trim().replace(/^[a-z][a-z0-9+.-]*:\/\//i, '').replace(/\/.*$/, '')
  if (!h.startsWith('[') && (h.match(/:/g) ?? []).length > 1) h = `[${h}]`
  const p = typeof port === 'number' || typeof port === 'string' ? String(port).trim() : ''
  const hasPort = /\]:\d+$|^[^[\]:]+:\d+$/.test(h)
  return `http://${h}${!hasPort && /^\d{1,5}$/.test(p) ? `:${p}` : ''}/`
}

/** Every address in a create body (admin) that the upstream would call. */
export function createTargets(body: Record<string, unknown>): CallTarget[] {
  const out: CallTarget[] = []
  const url = asObject(body.webhook)?.url
  if (nonBlank(url)) out.push({ field: 'webhook.url', url })
  if (nonBlank(body.webhookUrl)) out.push({ field: 'webhookUrl', url: body.webhookUrl })
  if (nonBlank(body.chatwootUrl)) out.push({ field: 'chatwootUrl', url: body.chatwootUrl })
  if (nonBlank(body.proxyHost)) out.push({ field: 'proxyHost', url: proxyHostUrl(body.proxyHost, body.proxyPort) })
  return out
}

/** The addresses in a /webhook/set (v2 nested or v1 flat) or /proxy/set body. */
export function routeTargets(route: TargetRoute, body: Record<string, unknown>): CallTarget[] {
  const out: CallTarget[] = []
  if (route === 'proxySet') {
    // A disabled proxy is stored empty whatever the body says: nothing to call.
    if (body.enabled !== false && nonBlank(body.host)) out.push({ field: 'host', url: proxyHostUrl(body.host, body.port) })
    return out
  }
  const url = asObject(body.webhook)?.url
  if (nonBlank(url)) out.push({ field: 'webhook.url', url })
  if (nonBlank(body.url)) out.push({ field: 'url', url: body.url })
  return out
}

/**
 * The webhook SSRF check on each target; the first refusal is a 400 `"<field>: <reason>"`. A name that
 * does not resolve is accepted, as when a user saves a webhook (each later call resolves again).
 */
export async function checkTargets(targets: readonly CallTarget[], allowedHosts: readonly string[]): Promise<void> {
  for (const t of targets) {
    const r = await checkWebhookUrl(t.url, { allowedHosts, unresolved: 'accept' })
    if (!r.ok) throw new ApiError(400, `${t.field}: ${r.error}`)
  }
}

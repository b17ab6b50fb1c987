/**
 * @module upstream/driver/cloud/errors
 * Meta's Graph API errors `{error:{message, type, code, error_subcode, fbtrace_id}}` as the upstream's
 * Evolution-style 400: `response.message` says in words what the code means, `response.metaError`
 * keeps Meta's fields. CONTRACT: the gateway's scheduled sender reads `response.metaError.code` to
 * retry 130429/131056 with backoff; nothing here retries.
 */
import { EvoError } from '../../lib/errors.js'

export type MetaError = {
  code: number
  error_subcode: number | null
  type: string | null
  message: string
  fbtrace_id: string | null
}

/** What a user must understand about the codes they will meet (docs/whatsapp-cloud-api.md lists them too). */
export const META_EXPLANATIONS: Record<number, string> = {
  190: 'the access token (the instance token) is invalid or expired; put a new permanent token on the instance',
  131047: 'more than 24 hours passed since the customer last wrote; only a template message may be sent (POST /message/sendTemplate)',
  131026: 'the message could not be delivered (the number is not on WhatsApp, or it cannot receive this message)',
  130429: 'the phone number reached its throughput limit (about 80 messages per second); retry later with backoff',
  131056: 'too many messages to the same recipient in a short time (pair rate limit, about one every 6 seconds); retry later',
  131048: 'the number is spam-rate limited: too many of its messages were blocked or reported',
  100: 'a parameter of the request is invalid or missing (Graph API code 100)',
}

export function explainMetaCode(code: number): string {
  return META_EXPLANATIONS[code] ?? 'the WhatsApp Cloud API refused the request'
}

const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : typeof v === 'string' && /^\d+$/.test(v) ? Number(v) : null)
const strOrNull = (v: unknown): string | null => (typeof v === 'string' && v !== '' ? v : null)

/** Meta's error object from a Graph answer body, or null when the body has none. */
export function parseMetaError(body: unknown): MetaError | null {
  const e = body && typeof body === 'object' ? (body as { error?: unknown }).error : undefined
  if (!e || typeof e !== 'object') return null
  const o = e as Record<string, unknown>
  const code = num(o.code)
  if (code === null) return null
  return {
    code,
    error_subcode: num(o.error_subcode),
    type: strOrNull(o.type),
    message: typeof o.message === 'string' ? o.message : '',
    fbtrace_id: strOrNull(o.fbtrace_id),
  }
}

/** The upstream 400 for a Meta error (always 400, whatever HTTP status Meta used). */
export function metaErrorToEvo(e: MetaError): EvoError {
  const text = `Meta error ${e.code}: ${explainMetaCode(e.code)}${e.message ? ` (${e.message})` : ''}`
  return new EvoError(400, [text], undefined, {
    metaError: { code: e.code, error_subcode: e.error_subcode, type: e.type, message: e.message, fbtrace_id: e.fbtrace_id },
  })
}

/** The Graph API could not be reached or answered something that is not a Graph answer. */
export class GraphUnavailableError extends EvoError {
  constructor(detail: string) {
    super(500, `WhatsApp Cloud API unavailable: ${detail}`)
    this.name = 'GraphUnavailableError'
  }
}

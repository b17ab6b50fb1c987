/**
 * @module services/upstream-proxy/upstream-errors
 * How the gateway reads an upstream error answer (issue 31), in two pure functions both proxy paths use
 * (routes/proxy/forward.ts applies them to every hop):
 *
 *  - `countsAsUpstreamFailure`: whether an answer says the upstream ITSELF is unhealthy (a breaker
 *    failure). A well-formed Evolution error about one request or one instance (500 "Connection Closed",
 *    "Error while deleting message for everyone", any `{status,error,response:{message}}` 4xx/5xx other
 *    than 502/503/504) is an answer: one tenant's broken phone must not open the breaker for everybody.
 *    502/503/504 and 5xx bodies that are not Evolution's count; the upstream's own 503 "Database
 *    unavailable" does not (the database's outage, not the upstream's; it ends by itself when
 *    PostgreSQL is back, and counting it would keep the breaker open a reset period longer).
 *    The full rule and its reasons: ../breaker/README.md.
 *  - `sanitizeServerError`: an upstream 5xx body never reaches a client as is (it carried
 *    `connect ECONNREFUSED 127.0.0.1:<port>`, hosts and stacks). It becomes Evolution's envelope with a
 *    fixed message naming the request id (the operator finds the original in the log line of that id);
 *    the status and the other headers stay. A few fixed texts that clients act on and that can hold no
 *    address are kept verbatim (SAFE_MESSAGES). 4xx bodies are the caller's errors and stay untouched.
 */
import { STATUS_CODES } from 'node:http'
import type { Readable } from 'node:stream'

/** The part of a hop's result these functions read and write (structurally a ProxyResponse). */
export type UpstreamAnswer = { status: number; headers: Record<string, string | string[]>; body: Buffer | Readable }

/** Evolution's error envelope, as it came from the upstream. */
export type EvolutionError = { status: number; error: string; messages: unknown[] }

/** Only this much of a 5xx body is parsed or logged: Evolution's error bodies are small. */
const MAX_ERROR_BODY = 16 * 1024

/** Exact upstream messages relayed verbatim: fixed texts, no room for an address, and clients act on them. */
const SAFE_MESSAGES = new Set(['Connection Closed', 'Error: Connection Closed', 'Database unavailable'])

/** The upstream's answer while its PostgreSQL is down (upstream/src, Evolution-shaped 503). */
const DATABASE_UNAVAILABLE = 'Database unavailable'
/**
 * The upstream's 503 for one instance between two replicas (a handover or failover, with Retry-After):
 * about that instance, not the upstream's health; relayed as is (it names only the client's instance).
 */
const INSTANCE_MOVING = /^The "[^"]{0,200}" instance is moving between replicas; retry shortly$/

function isInstanceMoving(evo: EvolutionError): boolean {
  return evo.status === 503 && evo.messages.length === 1 && typeof evo.messages[0] === 'string' && INSTANCE_MOVING.test(evo.messages[0])
}

/**
 * The body as Evolution's error envelope `{status, error, response: {message}}` with `status` equal to
 * the HTTP status, or null (not buffered, too big, not JSON, another shape).
 */
export function evolutionError(status: number, body: Buffer | Readable): EvolutionError | null {
  if (!Buffer.isBuffer(body) || body.length === 0 || body.length > MAX_ERROR_BODY) return null
  let parsed: unknown
  try {
    parsed = JSON.parse(body.toString('utf8'))
  } catch {
    return null
  }
  return evolutionEnvelope(status, parsed)
}

/** `evolutionError` for a body already parsed (the gateway's own upstream calls, services/upstream-client). */
export function evolutionEnvelope(status: number, parsed: unknown): EvolutionError | null {
  if (!isRecord(parsed) || parsed.status !== status || typeof parsed.error !== 'string' || !isRecord(parsed.response)) return null
  if (!('message' in parsed.response)) return null
  const m = parsed.response.message
  return { status, error: parsed.error, messages: Array.isArray(m) ? m : [m] }
}

/** Whether an upstream answer says the upstream itself is failing (see the module comment). */
export function countsAsUpstreamFailure(r: Pick<UpstreamAnswer, 'status' | 'body'>): boolean {
  if (r.status < 500) return false
  const evo = evolutionError(r.status, r.body)
  if (evo === null) return true
  if (r.status !== 502 && r.status !== 503 && r.status !== 504) return false
  if (isInstanceMoving(evo)) return false
  return !(r.status === 503 && evo.messages.length === 1 && evo.messages[0] === DATABASE_UNAVAILABLE)
}

/** The message a sanitised 5xx carries. */
export function upstreamErrorMessage(requestId: string): string {
  return `Upstream error (request ${requestId})`
}

/**
 * A 5xx answer with its body replaced (module comment); any other answer unchanged. A streamed 5xx body
 * is drained and dropped. Returns the original body's text (at most MAX_ERROR_BODY bytes) for the log.
 */
export function sanitizeServerError<T extends UpstreamAnswer>(r: T, requestId: string): { answer: T; original: string | null } {
  if (r.status < 500) return { answer: r, original: null }
  const body = envelopeFor(r.status, evolutionError(r.status, r.body), requestId)
  let original: string | null = null
  if (Buffer.isBuffer(r.body)) original = r.body.subarray(0, MAX_ERROR_BODY).toString('utf8')
  else r.body.resume()
  const headers: Record<string, string | string[]> = {}
  for (const k in r.headers) {
    // The new body is plain JSON: the upstream's encoding and type no longer describe it.
    if (k !== 'content-encoding' && k !== 'content-type' && k !== 'content-md5' && k !== 'etag') headers[k] = r.headers[k]!
  }
  headers['content-type'] = 'application/json; charset=utf-8'
  return { answer: { ...r, headers, body: Buffer.from(JSON.stringify(body)) }, original }
}

/**
 * What a client gets instead of an upstream 5xx body the gateway read itself (instance create and
 * delete go through services/upstream-client): the same envelope as `sanitizeServerError`.
 */
export function sanitizedServerBody(status: number, parsed: unknown, requestId: string): SanitizedBody {
  return envelopeFor(status, evolutionEnvelope(status, parsed), requestId)
}

type SanitizedBody = { status: number; error: string; response: { message: unknown[] } }

function envelopeFor(status: number, evo: EvolutionError | null, requestId: string): SanitizedBody {
  const kept = evo !== null && evo.messages.length > 0 && (isInstanceMoving(evo) || evo.messages.every((m) => typeof m === 'string' && SAFE_MESSAGES.has(m)))
  return { status, error: STATUS_CODES[status] ?? 'Error', response: { message: kept ? evo.messages : [upstreamErrorMessage(requestId)] } }
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v)
}

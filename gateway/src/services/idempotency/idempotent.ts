/**
 * @module services/idempotency/idempotent
 * Runs one request under its `Idempotency-Key` (docs/idempotency.md; the IETF httpapi idempotency-key
 * draft's semantics): the first request with a key runs and its answer is kept 24 h; the same key and the
 * same request (method, path, body) again gets that answer back with `Idempotent-Replayed: true` and runs
 * nothing; while the first is in flight a duplicate gets 409; the same key on a different request is 422.
 *
 * What is kept: 2xx and 4xx answers (they say what happened, a retry would get the same), and 504 (the
 * upstream timed out after the request left: the message MAY have been sent, so a retry with the same key
 * must not send it again; the client checks the message log and sends again under a new key). Any other
 * 5xx (breaker open, upstream unreachable, log buffer full, an upstream 500) and an unexpected error drop
 * the claim: nothing was sent, a retry with the same key tries again.
 *
 * Callers check the header is there first: a request without it never reaches this module (no Redis
 * round trip, the hot path's budget of D12, docs/decisions.md#d12, is untouched).
 */
import type { Redis } from 'ioredis'
import type { Deps } from '../../deps.js'
import { ApiError } from '../../errors/api-error.js'
import { renderError } from '../../errors/on-error.js'
import { IdempotencyStore, type StoredAnswer } from './idempotency-store.js'

export const IDEMPOTENCY_HEADER = 'idempotency-key'
export const REPLAYED_HEADER = 'Idempotent-Replayed'
export const MAX_KEY_LENGTH = 255
export const IN_PROGRESS = 'A request with this Idempotency-Key is in progress'
export const REUSED = 'Idempotency-Key reused with a different request'
export const STORE_DOWN = 'Idempotency-Key store unavailable, please retry later'
export const BAD_KEY = `Idempotency-Key must be 1 to ${MAX_KEY_LENGTH} characters`
/** Added to the in-flight claim's TTL beyond the request's own deadline (body read, breaker, log row). */
const INFLIGHT_MARGIN_MS = 30_000

/**
 * The client's key, or undefined when the header is absent. A Structured Fields string (`"abc"`, the
 * draft's form) is unquoted; a bare token is taken as is. Empty, over 255 characters, or sent twice: 400.
 */
export function parseIdempotencyKey(raw: string | string[] | undefined): string | undefined {
  if (raw === undefined) return undefined
  if (Array.isArray(raw)) throw new ApiError(400, BAD_KEY)
  let key = raw.trim()
  if (key.length >= 2 && key.startsWith('"') && key.endsWith('"')) key = key.slice(1, -1)
  if (key.length === 0 || key.length > MAX_KEY_LENGTH) throw new ApiError(400, BAD_KEY)
  return key
}

const stores = new WeakMap<Redis, IdempotencyStore>()

/** The store of this process's Redis, keyed per database (test stacks share one Redis). */
export function idempotencyStore(deps: Pick<Deps, 'redis' | 'config'>): IdempotencyStore {
  let s = stores.get(deps.redis)
  if (!s) {
    const u = new URL(deps.config.DATABASE_URL)
    s = new IdempotencyStore(deps.redis, `taguato:idempotency:${u.hostname}:${u.port || '5432'}${u.pathname}`)
    stores.set(deps.redis, s)
  }
  return s
}

/** How long a claim stays in flight: the longest send deadline plus a margin. */
export function inflightMs(deps: Pick<Deps, 'config'>): number {
  return Math.max(deps.config.UPSTREAM_SEND_TIMEOUT_MS, deps.config.UPSTREAM_TIMEOUT_MS) + INFLIGHT_MARGIN_MS
}

/** Whether an answer with this status is kept for replay (see the module comment). */
export function storable(status: number): boolean {
  return (status >= 200 && status < 300) || (status >= 400 && status < 500) || status === 504
}

export type IdempotentRun<T> = {
  store: IdempotencyStore
  userId: number
  key: string
  fingerprint: string
  inflightMs: number
  /** The request itself. */
  run: () => Promise<T>
  /** Its answer as stored bytes; null when it cannot be kept (a streamed body): the claim is released. */
  toStored: (answer: T) => StoredAnswer | null
  /** A stored answer as the caller's answer type (with REPLAYED_HEADER set). */
  fromStored: (answer: StoredAnswer) => T
}

export async function runIdempotent<T>(o: IdempotentRun<T>): Promise<T> {
  // Redis down: refuse rather than run without the guarantee the client asked for (nothing is sent).
  const claimed = await o.store.claim(o.userId, o.key, o.fingerprint, o.inflightMs).catch(() => {
    throw new ApiError(503, STORE_DOWN, {}, { 'Retry-After': '5' })
  })
  if (claimed.kind === 'in-progress') throw new ApiError(409, IN_PROGRESS, {}, { 'Retry-After': '1' })
  if (claimed.kind === 'mismatch') throw new ApiError(422, REUSED)
  if (claimed.kind === 'replay') return o.fromStored({ ...claimed.answer, headers: { ...claimed.answer.headers, [REPLAYED_HEADER]: 'true' } })
  const { claim } = claimed
  let answer: T
  try {
    answer = await o.run()
  } catch (err) {
    const r = err instanceof ApiError ? renderError(err, undefined) : null
    if (r && storable(r.status)) {
      const headers: Record<string, string> = { 'content-type': 'application/json' }
      for (const [k, v] of Object.entries(r.headers)) if (typeof v === 'string') headers[k] = v
      await settle(o.store.complete(claim, { status: r.status, headers, body: Buffer.from(JSON.stringify(r.body)) }))
    } else await settle(o.store.release(claim))
    throw err
  }
  const stored = o.toStored(answer)
  if (stored && storable(stored.status)) await settle(o.store.complete(claim, stored))
  else await settle(o.store.release(claim))
  return answer
}

/**
 * The request already ran: a Redis failure while recording its outcome must not turn its answer into an
 * error. The claim then simply expires after its in-flight TTL (docs/idempotency.md).
 */
const settle = (p: Promise<void>): Promise<void> => p.catch(() => undefined)

/** Response headers not worth replaying: per-connection, per-request, or recomputed on every answer. */
const NOT_REPLAYED = new Set(['date', 'connection', 'keep-alive', 'transfer-encoding', 'content-length', 'x-request-id', 'set-cookie'])

/** The replayable subset of an answer's headers (lower-case names, single values joined). */
export function replayableHeaders(h: Record<string, string | string[] | number | undefined>): Record<string, string> {
  const out: Record<string, string> = {}
  for (const [k, v] of Object.entries(h)) {
    const name = k.toLowerCase()
    if (v === undefined || NOT_REPLAYED.has(name) || name.startsWith('x-ratelimit-')) continue
    out[name] = Array.isArray(v) ? v.join(', ') : String(v)
  }
  return out
}

/**
 * @module services/idempotency/idempotency-store
 * The `Idempotency-Key` record of one user's request (docs/idempotency.md), in Redis so every replica
 * sees it. Why Redis and one Lua call per step: the claim must be atomic across replicas (two retries
 * landing on two gateways must not both send), and it must cost a single round trip on top of a send
 * that carries the header (a send without it never comes here: the hot path is unchanged).
 *
 * Key: `<prefix>:<sha256(user id + NUL + key)>`; the client's key is never stored in clear. Value: JSON,
 * either `{s:'p', f, t}` (in flight: request fingerprint, claim token; short TTL, the send deadline plus
 * a margin) or `{s:'d', f, a}` (done: the stored answer, 24 h TTL). Completing and releasing only act
 * while the caller's own claim token is still there, so a claim that expired and was taken by a retry is
 * never overwritten by the late first request.
 */
import { createHash, randomBytes } from 'node:crypto'
import type { Redis } from 'ioredis'

/** A stored answer: status, the headers worth replaying, the body bytes. */
export type StoredAnswer = { status: number; headers: Record<string, string>; body: Buffer }

export type ClaimResult =
  | { kind: 'claimed'; claim: Claim }
  | { kind: 'replay'; answer: StoredAnswer }
  | { kind: 'in-progress' }
  | { kind: 'mismatch' }

export type Claim = { redisKey: string; token: string; fingerprint: string }

type Pending = { s: 'p'; f: string; t: string }
type Done = { s: 'd'; f: string; a: { status: number; headers: Record<string, string>; body: string } }

/** SET NX with the in-flight TTL; on a taken key, its current value (one round trip either way). */
const CLAIM = `if redis.call('SET', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2]) then return false end
return redis.call('GET', KEYS[1])`
/** Replaces the value only while it is still this claim's (token match). */
const COMPLETE = `local v = redis.call('GET', KEYS[1])
if v and string.find(v, ARGV[1], 1, true) then redis.call('SET', KEYS[1], ARGV[2], 'PX', ARGV[3]) return 1 end
return 0`
const RELEASE = `local v = redis.call('GET', KEYS[1])
if v and string.find(v, ARGV[1], 1, true) then return redis.call('DEL', KEYS[1]) end
return 0`

export const REPLAY_TTL_MS = 24 * 60 * 60 * 1000

export class IdempotencyStore {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    private readonly replayTtlMs = REPLAY_TTL_MS,
  ) {}

  /** The Redis key of (user, key): hashed, so neither the client's key nor the pairing is readable there. */
  keyFor(userId: number, key: string): string {
    return `${this.prefix}:${createHash('sha256').update(`${userId}\0${key}`).digest('hex')}`
  }

  /** Claims (user, key) for a request with this fingerprint, or says what the key already holds. */
  async claim(userId: number, key: string, fingerprint: string, inflightMs: number): Promise<ClaimResult> {
    const redisKey = this.keyFor(userId, key)
    const token = randomBytes(12).toString('hex')
    const pending: Pending = { s: 'p', f: fingerprint, t: token }
    const current = (await this.redis.eval(CLAIM, 1, redisKey, JSON.stringify(pending), String(Math.max(1, Math.ceil(inflightMs))))) as string | null
    if (current === null) return { kind: 'claimed', claim: { redisKey, token, fingerprint } }
    const held = parse(current)
    // An unreadable value (not ours): treat as in flight; it expires on its own TTL.
    if (!held) return { kind: 'in-progress' }
    if (held.f !== fingerprint) return { kind: 'mismatch' }
    if (held.s === 'p') return { kind: 'in-progress' }
    return { kind: 'replay', answer: { status: held.a.status, headers: held.a.headers, body: Buffer.from(held.a.body, 'base64') } }
  }

  /** Stores the answer for 24 h in place of this claim (no-op when the claim is no longer there). */
  async complete(claim: Claim, answer: StoredAnswer): Promise<void> {
    const done: Done = { s: 'd', f: claim.fingerprint, a: { status: answer.status, headers: answer.headers, body: answer.body.toString('base64') } }
    await this.redis.eval(COMPLETE, 1, claim.redisKey, `"t":"${claim.token}"`, JSON.stringify(done), String(this.replayTtlMs))
  }

  /** Drops this claim so a retry with the same key may try again (no-op when it is no longer there). */
  async release(claim: Claim): Promise<void> {
    await this.redis.eval(RELEASE, 1, claim.redisKey, `"t":"${claim.token}"`)
  }
}

function parse(raw: string): Pending | Done | null {
  try {
    const v = JSON.parse(raw) as { s?: unknown; f?: unknown; t?: unknown; a?: Partial<Done['a']> } | null
    if (!v || typeof v.f !== 'string') return null
    if (v.s === 'p' && typeof v.t === 'string') return v as Pending
    if (v.s === 'd' && v.a && typeof v.a.status === 'number' && typeof v.a.body === 'string') return { s: 'd', f: v.f, a: { status: v.a.status, headers: v.a.headers ?? {}, body: v.a.body } }
    return null
  } catch {
    return null
  }
}

/** The request's fingerprint: SHA-256 of method, path and body bytes. */
export function requestFingerprint(method: string, path: string, body: Buffer): string {
  return createHash('sha256').update(`${method.toUpperCase()} ${path}\n`).update(body).digest('hex')
}

/**
 * @module services/send-budget/budget
 * The per-instance send counters, in Redis so every gateway process and replica shares them, checked
 * and taken in ONE round trip (a Lua script: EVALSHA, EVAL once after a Redis restart forgot it):
 *  - messages per minute: a counter per instance and clock minute (expires after it);
 *  - new recipients per day: the set of distinct recipients of the instance this UTC day; a recipient
 *    already in it costs nothing, a new one is refused once the set holds the day's budget.
 * Nothing is counted when the send is refused. Redis unreachable: the send goes (fail open, logged once
 * a minute): budgets protect a number from WhatsApp's bans, they must not stop sending when Redis is down.
 */
import { createHash } from 'node:crypto'
import type { Redis } from 'ioredis'
import type { Logger } from 'pino'
import { recipientKey, type Limits } from './limits.js'

const SCRIPT = `
local pm = tonumber(ARGV[1])
local pd = tonumber(ARGV[2])
if pm > 0 and tonumber(redis.call('GET', KEYS[1]) or '0') >= pm then return {1, tonumber(ARGV[4])} end
if pd > 0 and ARGV[3] ~= '' and redis.call('SISMEMBER', KEYS[2], ARGV[3]) == 0 then
  if redis.call('SCARD', KEYS[2]) >= pd then return {2, tonumber(ARGV[5])} end
  redis.call('SADD', KEYS[2], ARGV[3])
  redis.call('EXPIRE', KEYS[2], tonumber(ARGV[5]) + 3600)
end
if pm > 0 then
  if redis.call('INCR', KEYS[1]) == 1 then redis.call('EXPIRE', KEYS[1], 120) end
end
return {0, 0}`
const SHA = createHash('sha1').update(SCRIPT).digest('hex')

/** Taken, or refused with the seconds until the budget frees up and why (in words, for the 429). */
export type BudgetDecision = { ok: true } | { ok: false; retryAfterSeconds: number; reason: string }

const OK: BudgetDecision = { ok: true }

export class SendBudget {
  private lastWarn = 0

  constructor(
    private readonly redis: Redis,
    private readonly log: Logger,
    private readonly prefix: string,
  ) {}

  /** Checks and, when allowed, counts one send to `to` on `instance`. No Redis call when both limits are 0. */
  async take(instance: string, to: string, limits: Limits, now: number = Date.now()): Promise<BudgetDecision> {
    if (limits.perMinute <= 0 && limits.perDay <= 0) return OK
    const minute = Math.floor(now / 60_000)
    const day = Math.floor(now / 86_400_000)
    const keys = [`${this.prefix}:${instance}:m:${minute}`, `${this.prefix}:${instance}:d:${day}`]
    const args = [limits.perMinute, limits.perDay, to ? recipientKey(to) : '', Math.max(1, Math.ceil(((minute + 1) * 60_000 - now) / 1000)), Math.max(1, Math.ceil(((day + 1) * 86_400_000 - now) / 1000))]
    let r: unknown
    try {
      r = await this.redis.evalsha(SHA, 2, ...keys, ...args).catch((err: Error) => {
        if (!/NOSCRIPT/.test(err.message)) throw err
        return this.redis.eval(SCRIPT, 2, ...keys, ...args)
      })
    } catch (err) {
      if (now - this.lastWarn > 60_000) {
        this.lastWarn = now
        this.log.warn({ err: (err as Error).message }, 'send budget: redis unavailable; sends are not budgeted meanwhile')
      }
      return OK
    }
    const [code, wait] = Array.isArray(r) ? (r as number[]) : [0, 0]
    if (code === 1) return { ok: false, retryAfterSeconds: wait ?? 60, reason: `Send budget of ${limits.perMinute} messages per minute for this instance is spent` }
    if (code === 2) return { ok: false, retryAfterSeconds: wait ?? 3600, reason: `Budget of ${limits.perDay} new recipients per day for this instance is spent` }
    return OK
  }
}

/** The Redis key prefix, per database (like the message log's) so stacks sharing a Redis do not share budgets. */
export function budgetPrefix(databaseUrl: string): string {
  const u = new URL(databaseUrl)
  return `taguato:send-budget:${u.hostname}:${u.port || '5432'}${u.pathname}`
}

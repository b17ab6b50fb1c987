/**
 * @module services/rate-limit/window-script
 * The per-user fixed window in Redis: one Lua call that creates the counter with its expiry if absent,
 * adds the points and returns `{consumed, pttl}`. The script is rate-limiter-flexible 8.x's
 * `incrTtlLuaScript` and the keys are the ones its RateLimiterRedis used (`taguato:rl:<points>:<user>`),
 * so counters survive an upgrade across this change and every replica counts in the same place.
 *
 * EVALSHA with our own EVAL fallback on NOSCRIPT (an empty script cache after a Redis restart): safe
 * inside a corked or auto-pipelined batch, where ioredis' own `defineCommand` retry threw "results[i]
 * is not iterable" from a callback and killed the process.
 */
import { createHash } from 'node:crypto'
import type { Redis } from 'ioredis'

export const WINDOW_SCRIPT = `redis.call('set', KEYS[1], 0, 'EX', ARGV[2], 'NX')
local consumed = redis.call('incrby', KEYS[1], ARGV[1])
local ttl = redis.call('pttl', KEYS[1])
if ttl == -1 then
  redis.call('expire', KEYS[1], ARGV[2])
  ttl = 1000 * ARGV[2]
end
return {consumed, ttl}`

const SHA = createHash('sha1').update(WINDOW_SCRIPT).digest('hex')

function isNoScript(err: unknown): boolean {
  return err instanceof Error && err.message.startsWith('NOSCRIPT')
}

/** Adds `points` to `key`'s window of `seconds`; resolves `[consumed, msBeforeReset]`. */
export function consumeWindow(redis: Redis, key: string, points: number, seconds: number): Promise<[number, number]> {
  const p = String(points)
  const s = String(seconds)
  return (redis.evalsha(SHA, 1, key, p, s) as Promise<[number, number]>).catch((err: unknown) => {
    if (!isNoScript(err)) throw err
    return redis.eval(WINDOW_SCRIPT, 1, key, p, s) as Promise<[number, number]>
  })
}

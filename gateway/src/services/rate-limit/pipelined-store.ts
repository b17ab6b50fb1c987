/**
 * @module services/rate-limit/pipelined-store
 * The ioredis client rate-limiter-flexible sees, with its increment command made safe for ioredis'
 * auto-pipelining.
 *
 * Why: rate-limiter-flexible registers its Lua script with `defineCommand`; ioredis then sends EVALSHA
 * and, on NOSCRIPT (empty script cache after a Redis restart), retries with EVAL from inside the
 * pipeline, which in an auto-pipeline throws "results[i] is not iterable" from a callback and kills the
 * process. Excluding the command from auto-pipelining avoided the crash but cost one socket write (and
 * one Redis read) per request. Here the command is a plain EVALSHA, auto-pipelined with everything
 * else issued in the same event-loop turn (the session GETs of concurrent requests), and a NOSCRIPT
 * reply is retried as a plain EVAL by us, outside any pipeline internals. Auto-pipelining is off by
 * default (REDIS_AUTO_PIPELINING, deps.ts); the same EVALSHA + EVAL fallback serves both settings.
 */
import { createHash } from 'node:crypto'
import type { Redis } from 'ioredis'

/** rate-limiter-flexible's fixed-window increment (8.x `incrTtlLuaScript`), owned here so both sides agree. */
const INCR_TTL_SCRIPT = `redis.call('set', KEYS[1], 0, 'EX', ARGV[2], 'NX')
local consumed = redis.call('incrby', KEYS[1], ARGV[1])
local ttl = redis.call('pttl', KEYS[1])
if ttl == -1 then
  redis.call('expire', KEYS[1], ARGV[2])
  ttl = 1000 * ARGV[2]
end
return {consumed, ttl}`

const SHA = createHash('sha1').update(INCR_TTL_SCRIPT).digest('hex')

export function isNoScript(err: unknown): boolean {
  return err instanceof Error && err.message.startsWith('NOSCRIPT')
}

/** EVALSHA, falling back to EVAL when Redis has not cached the script yet. */
export async function evalCached(redis: Redis, sha: string, script: string, keys: string[], args: string[]): Promise<unknown> {
  try {
    return await redis.evalsha(sha, keys.length, ...keys, ...args)
  } catch (err) {
    if (!isNoScript(err)) throw err
    return redis.eval(script, keys.length, ...keys, ...args)
  }
}

/**
 * `client`: the shared ioredis client with `rlflxIncr` (the method rate-limiter-flexible calls for a
 * consume: `[key, points, secDuration, ...]`) served by `evalCached`, and no `defineCommand`, so the
 * library does not register its own; every other property is the real client's.
 * `script`: pass as `customIncrTtlLuaScript`.
 */
export function pipelinedIncrStore(redis: Redis): { client: Redis; script: string } {
  const rlflxIncr = (args: string[]) => evalCached(redis, SHA, INCR_TTL_SCRIPT, args.slice(0, 1), args.slice(1))
  // perf: the library builds `client.multi()` on every consume and uses it only for forced expiries
  // (penalty/block, which the gateway never calls): hand it a transaction created on first use.
  const multi = () => lazy(() => redis.multi())
  const client = new Proxy(redis, {
    get(target, prop) {
      if (prop === 'rlflxIncr') return rlflxIncr
      if (prop === 'multi') return multi
      if (prop === 'defineCommand') return undefined
      const v: unknown = Reflect.get(target, prop, target)
      return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(target) : v
    },
  })
  return { client, script: INCR_TTL_SCRIPT }
}

/** An object standing in for `make()`'s result, which is built when a property is first read. */
function lazy<T extends object>(make: () => T): T {
  let real: T | undefined
  return new Proxy({} as T, {
    get(_t, prop) {
      real ??= make()
      const v: unknown = Reflect.get(real, prop, real)
      return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(real) : v
    },
  })
}

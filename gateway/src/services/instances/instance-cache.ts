/**
 * @module services/instances/instance-cache
 * In-process cache of instance -> {owner, grantees, channel}, so the proxy answers ownership without a
 * Postgres query on a warm path. Correctness comes from explicit invalidation (every create, delete,
 * grant and revoke calls `invalidate`), broadcast to the other replicas over Redis pub/sub on a dedicated
 * subscriber connection; the short TTL only bounds staleness when a broadcast is missed (Redis down).
 * Tradeoff: while Redis is unreachable, another replica may honour a revoked grant for up to `ttlMs`.
 * After the subscriber reconnects the whole cache is dropped, since messages may have been missed.
 * While PostgreSQL is unreachable an expired entry is still answered (issue 31: warm sends keep working
 * during a database outage): nothing can change ownership then, since every change is a database write,
 * and an invalidated entry is gone, not expired, so it is never served this way.
 */
import type { Redis } from 'ioredis'
import type { Logger } from 'pino'
import type { Db } from '../../db/client.js'
import { instanceAccessRow } from '../../db/queries/instances.js'
import { isDatabaseUnavailable } from '../../../../common/src/db/pg-resilience.js'

export type InstanceEntry = { owner: number | null; grantees: ReadonlySet<number>; channel: string } | null

const CHANNEL = 'taguato:instances:invalidate'
const ALL = '*'

export type InstanceCacheOptions = { redis?: Redis; log?: Logger; ttlMs?: number }

export class InstanceCache {
  private readonly entries = new Map<string, { value: InstanceEntry; at: number }>()
  private readonly loading = new Map<string, Promise<InstanceEntry>>()
  /** Bumped on every invalidation: a load that started before it must not store its (stale) result. */
  private generation = 0
  private readonly ttlMs: number
  private subscriber: Redis | undefined

  constructor(
    private readonly db: Db,
    private readonly opts: InstanceCacheOptions = {},
  ) {
    this.ttlMs = opts.ttlMs ?? 10_000
    if (opts.redis) this.subscribe(opts.redis)
  }

  /** A fresh cached entry without waiting (undefined: not cached or stale; `get` loads it). */
  peek(name: string): InstanceEntry | undefined {
    const hit = this.entries.get(name)
    return hit && Date.now() - hit.at < this.ttlMs ? hit.value : undefined
  }

  async get(name: string): Promise<InstanceEntry> {
    const hit = this.peek(name)
    if (hit !== undefined) return hit
    let p = this.loading.get(name)
    if (!p) {
      const gen = this.generation
      p = this.load(name).then((value) => {
        if (gen === this.generation) {
          if (this.entries.size > 50_000) this.entries.clear()
          this.entries.set(name, { value, at: Date.now() })
        }
        return value
      }, (err: unknown) => {
        const stale = this.entries.get(name)
        if (stale && isDatabaseUnavailable(err)) return stale.value
        throw err
      }).finally(() => this.loading.delete(name))
      this.loading.set(name, p)
    }
    return p
  }

  /** Drops one instance (or all) here and on every replica. */
  invalidate(name?: string): void {
    this.drop(name ?? ALL)
    this.opts.redis?.publish(CHANNEL, name ?? ALL).catch(() => undefined)
  }

  async close(): Promise<void> {
    this.subscriber?.disconnect()
  }

  private drop(name: string): void {
    this.generation += 1
    if (name === ALL) this.entries.clear()
    else this.entries.delete(name)
  }

  private async load(name: string): Promise<InstanceEntry> {
    const row = await instanceAccessRow(this.db, name)
    return row ? { owner: row.user_id, grantees: new Set(row.grantees), channel: row.channel_type } : null
  }

  private subscribe(redis: Redis): void {
    const sub = redis.duplicate({ enableOfflineQueue: true, maxRetriesPerRequest: null })
    this.subscriber = sub
    sub.on('error', () => undefined) // the main connection already logs Redis outages
    sub.on('message', (_channel: string, name: string) => this.drop(name))
    sub.on('ready', () => {
      this.drop(ALL)
      sub.subscribe(CHANNEL).catch((err: Error) => this.opts.log?.warn({ err: err.message }, 'instance cache subscribe failed'))
    })
  }
}

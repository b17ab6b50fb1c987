/**
 * @module services/message-log/redis-buffer
 * The Redis list that makes a send's message-log row durable before its answer is written (issue 31),
 * and the batch moves from it to PostgreSQL.
 *
 * Shape: one list shared by every gateway process and replica (`RPUSH` at the send, one command, the
 * reply is its new length). One flusher at a time holds a lease key (`SET NX PX`); it reads the head
 * (`LRANGE 0 n-1`), inserts the batch, and only after the commit trims exactly those rows — in a script
 * that first checks it still holds the lease, so a flusher whose lease ran out never trims rows someone
 * else is handling. A flusher that dies mid-batch leaves the rows at the head: whoever holds the lease
 * next inserts them again, and the insert's `on conflict (log_key) do nothing` makes that exactly once.
 * Rows leave in the order they arrived.
 */
import type { Redis } from 'ioredis'

/** Trim the batch and extend the lease, only while the caller holds it. KEYS: lease, list. ARGV: token, n, leaseMs. */
const TRIM_IF_HOLDER = `
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return -1 end
redis.call('LTRIM', KEYS[2], tonumber(ARGV[2]), -1)
redis.call('PEXPIRE', KEYS[1], tonumber(ARGV[3]))
return redis.call('LLEN', KEYS[2])`

const RELEASE_IF_HOLDER = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0`

export class RedisLogBuffer {
  readonly listKey: string
  private readonly leaseKey: string

  constructor(
    private readonly redis: Redis,
    prefix: string,
    private readonly leaseMs: number,
  ) {
    this.listKey = `${prefix}:rows`
    this.leaseKey = `${prefix}:flusher`
  }

  /** Usable now? (A disconnected client refuses at once; the caller journals instead.) */
  get ready(): boolean {
    return this.redis.status === 'ready'
  }

  /** Appends rows; resolves with the list's new length once Redis has them. */
  push(lines: string[]): Promise<number> {
    return this.redis.rpush(this.listKey, ...lines)
  }

  length(): Promise<number> {
    return this.redis.llen(this.listKey)
  }

  /** Takes the flusher lease; false when another flusher holds it. */
  async lease(token: string): Promise<boolean> {
    return (await this.redis.set(this.leaseKey, token, 'PX', this.leaseMs, 'NX')) === 'OK'
  }

  head(n: number): Promise<string[]> {
    return this.redis.lrange(this.listKey, 0, n - 1)
  }

  /** Drops the first `n` rows (now committed); the remaining length, or -1 when the lease was lost. */
  async trim(token: string, n: number): Promise<number> {
    return Number(await this.redis.eval(TRIM_IF_HOLDER, 2, this.leaseKey, this.listKey, token, n, this.leaseMs))
  }

  async release(token: string): Promise<void> {
    await this.redis.eval(RELEASE_IF_HOLDER, 1, this.leaseKey, token)
  }
}

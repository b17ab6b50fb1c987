/**
 * @module scripts/lib/redis-probe
 * Is a Redis answering at this URL? One PING with no retries, so a missing server fails in seconds.
 */
import { Redis } from 'ioredis'
import type { Probe } from './pg-admin.js'

const UNREACHABLE = /ECONNREFUSED|ENOTFOUND|EAI_AGAIN|ETIMEDOUT|EHOSTUNREACH|ENETUNREACH|connect|Connection is closed/i

export async function probeRedis(url: string): Promise<Probe> {
  const client = new Redis(url, {
    lazyConnect: true,
    connectTimeout: 3000,
    maxRetriesPerRequest: 0,
    enableOfflineQueue: false,
    retryStrategy: () => null,
  })
  client.on('error', () => undefined) // reported through the rejected connect/ping below
  try {
    await client.connect()
    const pong = await client.ping()
    return pong === 'PONG' ? { ok: true } : { ok: false, unreachable: false, reason: `unexpected PING reply ${pong}` }
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err)
    return { ok: false, unreachable: UNREACHABLE.test(reason) && !/NOAUTH|WRONGPASS/i.test(reason), reason }
  } finally {
    client.disconnect()
  }
}

/**
 * @module scripts/import-reference/evolution-keys
 * The Baileys signal keys Evolution API v2 kept outside its database. With CACHE_REDIS_ENABLED (the
 * reference's setting), its Prisma auth store puts every key but the creds in one Redis hash per
 * instance, `<CACHE_REDIS_PREFIX_KEY>:instance:<instance id>`, field `<type>-<id>`, value BufferJSON text.
 * The creds alone keep a phone linked; the keys keep its existing chats' encryption sessions, so a
 * contact's next message decrypts without a retry round.
 */
import { Redis } from 'ioredis'
import { readKeyValue, splitKeyName } from './evolution-creds.js'

export type KeyRow = { type: string; id: string; json: string }

export type KeySource = {
  /** The keys of one Evolution instance, and how many fields could not be read. */
  keysOf(evolutionId: string): Promise<{ rows: KeyRow[]; unreadable: number }>
  close(): Promise<void>
}

export function redisKeySource(url: string, prefix: string): KeySource {
  const redis = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 1, enableOfflineQueue: true })
  return {
    async keysOf(evolutionId) {
      const fields = await redis.hgetall(`${prefix}:instance:${evolutionId}`)
      const rows: KeyRow[] = []
      let unreadable = 0
      for (const [field, value] of Object.entries(fields)) {
        const name = splitKeyName(field)
        const json = readKeyValue(value)
        if (!name || json === null) unreadable++
        else rows.push({ ...name, json })
      }
      return { rows, unreadable }
    },
    close: async () => {
      await redis.quit().catch(() => redis.disconnect())
    },
  }
}

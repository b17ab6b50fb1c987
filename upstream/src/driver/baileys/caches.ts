/**
 * @module upstream/driver/baileys/caches
 * Small bounded in-memory caches a Baileys socket wants: recent outgoing messages (answered from
 * `getMessage` when a recipient asks for a retry) and the message-retry counters.
 */
import type { CacheStore } from '@whiskeysockets/baileys'

/** A Map that forgets its oldest entry past `max` (Map keeps insertion order). */
export class Lru<V> {
  private readonly map = new Map<string, V>()

  constructor(private readonly max: number) {}

  get(key: string): V | undefined {
    const v = this.map.get(key)
    if (v !== undefined) {
      this.map.delete(key)
      this.map.set(key, v)
    }
    return v
  }

  set(key: string, value: V): void {
    this.map.delete(key)
    this.map.set(key, value)
    if (this.map.size > this.max) this.map.delete(this.map.keys().next().value!)
  }

  delete(key: string): void {
    this.map.delete(key)
  }

  clear(): void {
    this.map.clear()
  }
}

/** Baileys' CacheStore over an Lru (no TTL timers, so nothing keeps the process alive). */
export function lruCacheStore(max: number): CacheStore {
  const lru = new Lru<unknown>(max)
  return {
    get: <T>(key: string) => lru.get(key) as T | undefined,
    set: <T>(key: string, value: T) => lru.set(key, value),
    del: (key: string) => lru.delete(key),
    flushAll: () => lru.clear(),
  }
}

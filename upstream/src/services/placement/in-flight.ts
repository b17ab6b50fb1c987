/**
 * @module upstream/services/placement/in-flight
 * Requests in flight per instance on this replica, and the small async helpers placement uses. A
 * handover waits (bounded) until an instance has none left before it ends the session, so a request
 * admitted before the handover finishes on the session it started on.
 */

export function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref())
}

/** Runs `fn` over `items`, at most `limit` at a time; a failure of one does not stop the others. */
export async function runLimited<T>(items: T[], limit: number, fn: (t: T) => Promise<void>): Promise<void> {
  let next = 0
  const worker = async () => {
    while (next < items.length) {
      const item = items[next++]!
      await fn(item).catch(() => undefined)
    }
  }
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker))
}

export class InFlight {
  private readonly counts = new Map<string, number>()
  private readonly idle = new Map<string, () => void>()

  /** Counts a request on an instance; the returned function ends it. */
  enter(id: string): () => void {
    this.counts.set(id, (this.counts.get(id) ?? 0) + 1)
    return () => {
      const n = (this.counts.get(id) ?? 1) - 1
      if (n > 0) this.counts.set(id, n)
      else {
        this.counts.delete(id)
        this.idle.get(id)?.()
      }
    }
  }

  /** Resolves once the instance has no request in flight, or after `ms`. */
  async quiesce(id: string, ms: number): Promise<void> {
    if (!this.counts.get(id)) return
    await Promise.race([new Promise<void>((resolve) => this.idle.set(id, resolve)), delay(ms)])
    this.idle.delete(id)
  }
}

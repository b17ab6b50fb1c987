/**
 * @module services/upstream-owners/owner-map
 * Which upstream replica runs each instance, so the gateway sends an instance's request straight to it.
 * The map comes from the upstream's `GET /placement` (any replica answers it from PostgreSQL), refreshed
 * every UPSTREAM_PLACEMENT_REFRESH_MS, and corrected between refreshes by the `X-Upstream-Owner` header a
 * replica puts on an answer it forwarded (the map was stale). A replica that refuses a connection is
 * dropped from the map at once. Unknown instances, and everything when the map is off or the upstream
 * is not ours (a real Evolution API answers /placement 404), go to UPSTREAM_URL: any replica serves any
 * request, forwarding it internally, so a stale map costs one internal hop, never an error.
 */
import type { Logger } from 'pino'
import * as v from 'valibot'
import type { UpstreamClient } from '../upstream-client/upstream-client.js'

const PlacementAnswer = v.object({
  instances: v.array(v.object({ name: v.string(), url: v.nullable(v.string()) })),
})

const RESOURCES = new Set(['instance', 'message', 'chat', 'group', 'label', 'proxy', 'webhook', 'settings'])
const INSTANCE_LESS = new Set(['create', 'fetchinstances'])

/** The instance an upstream path (`/resource/action/instance?query`) names, decoded; null if none. */
export function instanceOfPath(url: string): string | null {
  const q = url.indexOf('?')
  const seg = (q === -1 ? url : url.slice(0, q)).split('/').filter(Boolean)
  if (seg.length !== 3 || !RESOURCES.has(seg[0]!) || INSTANCE_LESS.has(seg[1]!.toLowerCase())) return null
  try {
    return decodeURIComponent(seg[2]!)
  } catch {
    return null
  }
}

export class OwnerMap {
  private owners = new Map<string, URL>()
  private readonly urls = new Map<string, URL>()
  private timer: NodeJS.Timeout | undefined
  private refreshing = false
  /** False after the upstream answered /placement 404 (not ours): stop asking. */
  private supported = true

  constructor(
    private readonly client: UpstreamClient,
    private readonly log: Logger,
    private readonly refreshMs: number,
  ) {}

  start(): void {
    if (this.refreshMs <= 0) return
    void this.refresh()
    this.timer = setInterval(() => void this.refresh(), this.refreshMs)
    this.timer.unref()
  }

  stop(): void {
    clearInterval(this.timer)
  }

  /** Where a request for this upstream path should go; undefined = UPSTREAM_URL. */
  targetFor(url: string): URL | undefined {
    if (this.owners.size === 0) return undefined
    const name = instanceOfPath(url)
    return name === null ? undefined : this.owners.get(name)
  }

  /** An answer said who owns the instance (the map was stale). */
  learn(url: string, ownerUrl: string): void {
    const name = instanceOfPath(url)
    if (name === null || !URL.canParse(ownerUrl)) return
    this.owners.set(name, this.urlOf(ownerUrl))
  }

  /** That replica refused a connection: forget it until the next refresh says otherwise. */
  unreachable(target: URL): void {
    for (const [name, u] of this.owners) if (u.origin === target.origin) this.owners.delete(name)
  }

  get size(): number {
    return this.owners.size
  }

  async refresh(): Promise<void> {
    if (!this.supported || this.refreshing) return
    this.refreshing = true
    try {
      const res = await this.client.request('GET', '/placement', undefined, { timeoutMs: 5000 })
      if (res.status === 404) {
        this.supported = false
        this.log.info('upstream has no /placement (not a taguato upstream): every request goes to UPSTREAM_URL')
        return
      }
      const parsed = v.safeParse(PlacementAnswer, res.body)
      if (res.status !== 200 || !parsed.success) return
      const next = new Map<string, URL>()
      for (const i of parsed.output.instances) if (i.url && URL.canParse(i.url)) next.set(i.name, this.urlOf(i.url))
      this.owners = next
    } catch {
      // Upstream unreachable: keep the last map (a refused replica is dropped by `unreachable`).
    } finally {
      this.refreshing = false
    }
  }

  /** One URL object per replica (the proxy compares and reuses them). */
  private urlOf(s: string): URL {
    let u = this.urls.get(s)
    if (!u) {
      u = new URL(s)
      this.urls.set(s, u)
    }
    return u
  }
}

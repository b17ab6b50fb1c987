/**
 * @module upstream/faults/store
 * The active fault set (latency, random 5xx, forced status, hang, path filter; and `holdAcks`, which
 * keeps the sandbox driver from sending its automatic acks), changed only through the sandbox routes
 * and kept in memory: a restart clears it.
 */
import * as v from 'valibot'

export const FaultsBody = v.strictObject({
  latencyMs: v.optional(v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(600_000))),
  errorRate: v.optional(v.pipe(v.number(), v.minValue(0), v.maxValue(1))),
  forceStatus: v.optional(v.nullable(v.pipe(v.number(), v.integer(), v.minValue(400), v.maxValue(599)))),
  hang: v.optional(v.boolean()),
  pathPrefix: v.optional(v.nullable(v.pipe(v.string(), v.startsWith('/')))),
  /** Messages sent while set get no automatic SERVER_ACK -> DELIVERY_ACK -> READ (forced acks still work). */
  holdAcks: v.optional(v.boolean()),
})

export type Faults = {
  latencyMs: number
  errorRate: number
  forceStatus: number | null
  hang: boolean
  pathPrefix: string | null
  holdAcks: boolean
}

export const NO_FAULTS: Faults = { latencyMs: 0, errorRate: 0, forceStatus: null, hang: false, pathPrefix: null, holdAcks: false }

export class FaultStore {
  private current: Faults = { ...NO_FAULTS }
  /** Requests held by `hang`; released (503) when faults are cleared or the app stops. */
  private readonly hung = new Set<() => void>()

  /** Whether the sandbox driver must not schedule automatic acks now. */
  acksHeld(): boolean {
    return this.current.holdAcks
  }

  get(): Faults {
    return { ...this.current }
  }

  /** PUT semantics: the body replaces the whole set; omitted fields are off. */
  set(body: v.InferOutput<typeof FaultsBody>): Faults {
    this.current = {
      latencyMs: body.latencyMs ?? 0,
      errorRate: body.errorRate ?? 0,
      forceStatus: body.forceStatus ?? null,
      hang: body.hang ?? false,
      pathPrefix: body.pathPrefix ?? null,
      holdAcks: body.holdAcks ?? false,
    }
    if (!this.current.hang) this.releaseHung()
    return this.get()
  }

  clear(): Faults {
    this.current = { ...NO_FAULTS }
    this.releaseHung()
    return this.get()
  }

  /** Faults that apply to `path`, or null when none do. */
  activeFor(path: string): Faults | null {
    const f = this.current
    const any = f.latencyMs > 0 || f.errorRate > 0 || f.forceStatus !== null || f.hang
    if (!any) return null
    if (f.pathPrefix && !path.startsWith(f.pathPrefix)) return null
    return f
  }

  holdHung(release: () => void): () => void {
    this.hung.add(release)
    return () => this.hung.delete(release)
  }

  releaseHung(): void {
    const all = [...this.hung]
    this.hung.clear()
    for (const r of all) r()
  }
}

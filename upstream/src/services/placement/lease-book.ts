/**
 * @module upstream/services/placement/lease-book
 * This replica's own view of the leases it holds, on its monotonic clock. A lease granted (or renewed)
 * by a statement that started at local time t0 is trusted until t0 + TTL - margin: PostgreSQL set the
 * expiry at its now() + TTL, which is later than t0, so the local deadline always comes first and this
 * replica stops before any other may start (fencing without trusting wall clocks to agree).
 */
import type { LeaseGrant } from '../../db/placement.js'

export class LeaseLostError extends Error {
  constructor(readonly instanceId: string) {
    super(`lease of instance ${instanceId} is no longer held`)
    this.name = 'LeaseLostError'
  }
}

type Held = { generation: bigint; validUntil: number }

export class LeaseBook {
  private readonly held = new Map<string, Held>()
  /** Safety margin subtracted from the TTL: covers the statement's own latency and timer lateness. */
  readonly marginMs: number

  constructor(
    readonly ttlMs: number,
    private readonly clock: () => number = () => performance.now(),
  ) {
    this.marginMs = Math.min(2000, Math.floor(ttlMs / 5))
  }

  now(): number {
    return this.clock()
  }

  /** Records a grant whose statement started at local time `t0`. */
  grant(instanceId: string, generation: bigint, t0: number): void {
    this.held.set(instanceId, { generation, validUntil: t0 + this.ttlMs - this.marginMs })
  }

  /** The lease was extended by a statement that started at `t0`. */
  renewed(instanceId: string, t0: number): void {
    const h = this.held.get(instanceId)
    if (h) h.validUntil = Math.max(h.validUntil, t0 + this.ttlMs - this.marginMs)
  }

  /** The lease, while it is still valid here. */
  get(instanceId: string): LeaseGrant | undefined {
    const h = this.held.get(instanceId)
    if (!h || this.clock() >= h.validUntil) return undefined
    return { instanceId, generation: h.generation }
  }

  generationOf(instanceId: string): bigint | undefined {
    return this.held.get(instanceId)?.generation
  }

  /** Recorded, whether or not still valid (a solo replica keeps serving through an outage). */
  has(instanceId: string): boolean {
    return this.held.has(instanceId)
  }

  holds(instanceId: string): boolean {
    return this.get(instanceId) !== undefined
  }

  /** Throws when the lease is gone or past its local deadline: nothing may be sent on it. */
  assertHeld(instanceId: string): LeaseGrant {
    const g = this.get(instanceId)
    if (!g) throw new LeaseLostError(instanceId)
    return g
  }

  /** Every lease still recorded (valid or not), for renewal. */
  all(): LeaseGrant[] {
    return [...this.held].map(([instanceId, h]) => ({ instanceId, generation: h.generation }))
  }

  /** Leases past their local deadline: their sessions must close now. */
  lapsed(): string[] {
    const t = this.clock()
    return [...this.held].filter(([, h]) => t >= h.validUntil).map(([id]) => id)
  }

  /** Milliseconds until the earliest deadline (Infinity when none). */
  nextDeadlineIn(): number {
    let min = Infinity
    for (const h of this.held.values()) min = Math.min(min, h.validUntil)
    return min - this.clock()
  }

  drop(instanceId: string): void {
    this.held.delete(instanceId)
  }

  get size(): number {
    return this.held.size
  }
}

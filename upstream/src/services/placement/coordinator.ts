/**
 * @module upstream/services/placement/coordinator
 * Runs this replica's part of placement: every PLACEMENT_INTERVAL_MS (and at once when another replica
 * NOTIFYs a change) it heartbeats, renews the leases it holds, recomputes the assignment (assign.ts)
 * and acts on its own share: it acquires the instances assigned to it whose lease is free and resumes
 * their sessions from the stored auth state, and hands over the ones assigned elsewhere (waits for their
 * requests in flight, ends the session without logging out, releases the lease, wakes the others).
 *
 * Never two live sessions for one instance: a session is only opened under a lease, and a lease this
 * replica could not renew is closed at its local deadline (lease-book.ts), which comes before
 * PostgreSQL lets anyone else acquire it. A killed replica's leases simply expire.
 */
import type { Logger } from 'pino'
import type { Sql } from '../../db/client.js'
import { findInstanceByName } from '../../db/instances.js'
import {
  acquireLease, heartbeat, listPlacement, listReplicas, notifyPlacement, PLACEMENT_CHANNEL, recordSessionClose, recordSessionOpen,
  releaseLease, removeReplica, renewLeases, type PlacementInstance, type ReplicaRow,
} from '../../db/placement.js'
import type { InstanceManager } from '../instances.js'
import { assign, placeNew } from './assign.js'
import { delay, InFlight, runLimited } from './in-flight.js'
import { LeaseBook } from './lease-book.js'
import type { PlacementOptions, PlacementSnapshot } from './placement-types.js'

export type { PlacementOptions, PlacementSnapshot }

/** At most this many handovers run at once (each waits for requests in flight and a queue flush). */
const HANDOVER_CONCURRENCY = 8
/** Acquisitions run this many at a time (a cold start of hundreds of instances). */
const ACQUIRE_CONCURRENCY = 4

export class Placement {
  readonly leases: LeaseBook
  private snapshot: PlacementSnapshot = { replicas: [], instances: [], assignment: new Map(), nodes: [] }
  /** Open session interval row per held instance. */
  private readonly intervals = new Map<string, string>()
  /** Instances being handed over: requests wait for the new owner. */
  private readonly moving = new Map<string, Promise<void>>()
  /** Sessions being resumed after an acquisition: requests wait for them (bounded). */
  private readonly resuming = new Map<string, Promise<void>>()
  private readonly inflight = new InFlight()
  private readonly acquiring = new Map<string, Promise<boolean>>()
  private draining = false
  private started = false
  /**
   * No other replica was live at the last placement pass. Then a lease this replica cannot renew
   * (PostgreSQL unreachable) is kept: nobody can take an instance over without PostgreSQL, and a replica
   * that starts later waits a lease TTL of steady connection before taking another's expired lease
   * (below), by which time this one has renewed. So a single upstream keeps sending through a PostgreSQL
   * outage, while a replica among others stops at its deadline (it may be the one cut off).
   */
  private solo = true
  /** Local time since when every placement pass succeeded (null after a failed one). */
  private connectedSince: number | null = null
  private stopped = false
  private ticking: Promise<void> | null = null
  private again = false
  private timer: NodeJS.Timeout | undefined
  private watchdog: NodeJS.Timeout | undefined
  private unlisten: (() => Promise<void>) | null = null
  private readonly waiters = new Set<() => void>()

  constructor(
    private readonly sql: Sql,
    private readonly instances: InstanceManager,
    private readonly log: Logger,
    readonly opts: PlacementOptions,
  ) {
    this.leases = new LeaseBook(opts.leaseTtlMs)
  }

  get nodeId(): string {
    return this.opts.nodeId
  }

  /** Registered, placed at least once, not draining: this replica serves its share. */
  get ready(): boolean {
    return this.started && !this.draining && !this.stopped
  }

  get isDraining(): boolean {
    return this.draining
  }

  view(): PlacementSnapshot {
    return this.snapshot
  }

  /** Registers, takes this replica's share (resuming sessions), then keeps placement going. */
  async start(): Promise<void> {
    await heartbeat(this.sql, { nodeId: this.nodeId, url: this.opts.url, draining: false, instances: 0, rssBytes: process.memoryUsage.rss(), starting: true })
    try {
      const listener = await this.sql.listen(PLACEMENT_CHANNEL, () => this.kick())
      this.unlisten = () => listener.unlisten()
    } catch (err) {
      this.log.warn({ err }, 'placement: LISTEN failed; relying on the periodic tick')
    }
    await notifyPlacement(this.sql).catch(() => undefined)
    await this.tick()
    this.started = true
    this.timer = setInterval(() => this.kick(), this.opts.intervalMs)
    this.timer.unref()
    // Lapsed leases are closed promptly, not at the next tick (which may come after the deadline).
    this.watchdog = setInterval(() => this.closeLapsed(), Math.max(50, Math.min(250, this.leases.marginMs / 4)))
    this.watchdog.unref()
  }

  /** Runs a tick now (or right after the running one). */
  kick(): void {
    if (this.stopped) return
    if (this.ticking) {
      this.again = true
      return
    }
    void this.tick().catch((err: unknown) => this.log.warn({ err }, 'placement tick failed'))
  }

  private async tick(): Promise<void> {
    if (this.ticking) return this.ticking
    this.ticking = (async () => {
      do {
        this.again = false
        await this.step()
      } while (this.again && !this.stopped)
    })().finally(() => {
      this.ticking = null
      for (const w of this.waiters) w()
      this.waiters.clear()
    })
    return this.ticking
  }

  private async step(): Promise<void> {
    try {
      await this.pass()
    } catch (err) {
      this.connectedSince = null
      throw err
    }
  }

  private async pass(): Promise<void> {
    const t0 = this.leases.now()
    const mine = this.leases.all()
    const renewed = await renewLeases(this.sql, this.nodeId, mine, this.opts.leaseTtlMs)
    for (const id of renewed) this.leases.renewed(id, t0)
    const kept = new Set(renewed)
    // Not renewed: deleted, or someone else acquired it (we were cut off past the TTL). Decided once the
    // instance list is read below. (A lease acquired again meanwhile, under a new generation, is kept.)
    const lost = mine.filter((l) => !kept.has(l.instanceId) && this.leases.generationOf(l.instanceId) === l.generation && !this.moving.has(l.instanceId))
    await heartbeat(this.sql, {
      nodeId: this.nodeId, url: this.opts.url, draining: this.draining, instances: this.leases.size, rssBytes: process.memoryUsage.rss(), starting: false,
    })
    const [replicas, instances] = await Promise.all([listReplicas(this.sql, this.opts.leaseTtlMs), listPlacement(this.sql)])
    const liveNodes = new Set(replicas.filter((r) => r.live).map((r) => r.nodeId))
    const nodes = replicas.filter((r) => r.live && !r.draining).map((r) => r.nodeId)
    const assignment = assign(
      instances.map((i) => ({ name: i.name, pinnedNode: i.pinnedNode, holder: i.leaseNode && i.leaseLive && liveNodes.has(i.leaseNode) ? i.leaseNode : null })),
      nodes,
    )
    this.snapshot = { replicas, instances, assignment, nodes }
    this.solo = !replicas.some((r) => r.live && r.nodeId !== this.nodeId)
    this.connectedSince ??= t0
    // Another replica's expired lease is taken only after a lease TTL of steady connection: after an
    // outage (or at start) its holder, if alive, renews first.
    const steady = this.steady()

    const present = new Set(instances.map((i) => i.id))
    // Taken over: close at once, do not wait for the deadline. Deleted: its session ended with the delete.
    for (const l of lost) {
      if (present.has(l.instanceId)) void this.lose(l.instanceId, 'lease taken over')
      else this.forget(l.instanceId)
    }
    const acquisitions: PlacementInstance[] = []
    const handovers: PlacementInstance[] = []
    for (const i of instances) {
      const target = assignment.get(i.name)
      const held = this.leases.holds(i.id)
      if (target === this.nodeId && !held && !this.moving.has(i.id) && !this.draining) {
        // Free or expired, or recorded under our id by an earlier incarnation of this replica (a live
        // lease of another replica is waited out: it expires, or that replica releases it).
        if (!i.leaseNode || i.leaseNode === this.nodeId || i.leaseReleased || (!i.leaseLive && steady)) acquisitions.push(i)
      } else if (held && target !== undefined && target !== this.nodeId && !this.moving.has(i.id)) {
        handovers.push(i)
      }
    }
    // Deleted instances: nothing to hand over. Only leases held before the list was read: one adopted
    // since (an instance created during this pass) is not in the list yet.
    for (const l of mine) if (!present.has(l.instanceId) && this.leases.generationOf(l.instanceId) === l.generation) this.forget(l.instanceId)
    await runLimited(acquisitions, ACQUIRE_CONCURRENCY, async (i) => void (await this.acquire(i)))
    // Not awaited: a handover waits for requests in flight, and renewals must not wait for it.
    void runLimited(handovers, HANDOVER_CONCURRENCY, (i) => this.handover(i.id, i.name))
  }

  /** A lease TTL of passes without a failure: a holder still alive would have renewed by now. */
  private steady(): boolean {
    return this.connectedSince !== null && this.leases.now() - this.connectedSince >= this.opts.leaseTtlMs
  }

  /** Acquires and resumes an instance; false when another replica holds it (or may still: see steady). */
  acquire(i: Pick<PlacementInstance, 'id' | 'name'>): Promise<boolean> {
    if (this.leases.holds(i.id)) return Promise.resolve(true)
    // One acquisition per instance at a time (the tick and a waiting request may both try).
    let p = this.acquiring.get(i.id)
    if (!p) {
      p = this.acquireNow(i).finally(() => this.acquiring.delete(i.id))
      this.acquiring.set(i.id, p)
    }
    return p
  }

  private async acquireNow(i: Pick<PlacementInstance, 'id' | 'name'>): Promise<boolean> {
    const t0 = this.leases.now()
    const generation = await acquireLease(this.sql, i.id, this.nodeId, this.opts.leaseTtlMs, this.steady())
    if (generation === null) return false
    this.leases.grant(i.id, generation, t0)
    // Requests for it wait on this from the moment the lease is ours (routing.ts `settled`): none may
    // open a fresh, unconnected session before the resume below has run.
    const resumed = (async () => {
      // Our own earlier session of it (a lapsed lease taken back) ends here.
      await this.closeInterval(i.id, 'reacquired')
      this.intervals.set(i.id, await recordSessionOpen(this.sql, { instanceId: i.id, generation }, this.nodeId, new Date()))
      await this.resume(i.name)
    })()
      .catch((err: unknown) => this.log.error({ err, instance: i.name }, 'placement: resume after acquisition failed'))
      .finally(() => this.resuming.delete(i.id))
    this.resuming.set(i.id, resumed)
    this.log.info({ instance: i.name, generation: generation.toString() }, 'placement: instance acquired')
    return true
  }

  /** Reconnects an instance that was open or connecting (its auth state is in PostgreSQL). */
  private async resume(name: string): Promise<void> {
    const row = await findInstanceByName(this.sql, name)
    if (!row || row.connectionStatus === 'close') return
    try {
      await this.instances.connect(row)
    } catch (err) {
      this.log.error({ err, instance: name }, 'resume failed')
    }
  }

  /** A new instance created here (routes/instance create): this replica takes its lease at once. */
  async adopt(row: { id: string; name: string }): Promise<void> {
    if (!this.leases.holds(row.id) && !(await this.acquire(row))) throw new Error(`instance ${row.name} is held by another replica`)
    // The acquisition's resume (it connects a new Cloud API instance) runs before the caller's own
    // connect, not after it: the create's answer must not show the resume's `connecting`.
    await this.resuming.get(row.id)
    void notifyPlacement(this.sql).catch(() => undefined)
  }

  /** Where a new instance named `name` belongs (this node when no snapshot yet). */
  placeNew(name: string): string {
    return placeNew(name, this.snapshot.assignment, this.snapshot.nodes) ?? this.nodeId
  }

  /** The URL of a live replica by id. */
  urlOf(nodeId: string): string | null {
    return this.snapshot.replicas.find((r) => r.nodeId === nodeId && r.live)?.url ?? null
  }

  /** Hands one instance to its new owner: no request in flight, session ended (no logout), lease released. */
  private handover(id: string, name: string): Promise<void> {
    const existing = this.moving.get(id)
    if (existing) return existing
    const p = (async () => {
      await this.inflight.quiesce(id, this.opts.handoverWaitMs)
      await this.instances.release(id)
      const lease = this.leases.get(id) ?? this.leases.all().find((l) => l.instanceId === id)
      await this.closeInterval(id, 'handover')
      this.leases.drop(id)
      if (lease) await releaseLease(this.sql, lease, this.nodeId).catch((err: unknown) => this.log.warn({ err, instance: name }, 'placement: lease release failed; it expires by itself'))
      await notifyPlacement(this.sql).catch(() => undefined)
      this.log.info({ instance: name, to: this.snapshot.assignment.get(name) }, 'placement: instance handed over')
    })().finally(() => this.moving.delete(id))
    this.moving.set(id, p)
    return p
  }

  /** Closes a session whose lease is gone (lapsed or taken): no request may use it any more. */
  private async lose(id: string, reason: string): Promise<void> {
    if (this.moving.has(id)) return
    const p = (async () => {
      this.leases.drop(id)
      await this.instances.release(id).catch(() => undefined)
      await this.closeInterval(id, reason)
      this.log.warn({ instanceId: id, reason }, 'placement: session closed, lease lost')
    })().finally(() => this.moving.delete(id))
    this.moving.set(id, p)
    await p
  }

  private closeLapsed(): void {
    if (this.solo) return
    for (const id of this.leases.lapsed()) if (!this.moving.has(id)) void this.lose(id, 'lease not renewed in time')
  }

  private forget(id: string): void {
    this.leases.drop(id)
    void this.closeInterval(id, 'deleted')
  }

  private async closeInterval(id: string, reason: string): Promise<void> {
    const interval = this.intervals.get(id)
    this.intervals.delete(id)
    if (interval) await recordSessionClose(this.sql, interval, new Date(), reason).catch(() => undefined)
  }

  // ---- requests ----

  /** True when this replica holds the instance and it is not being handed over. */
  servesLocally(id: string): boolean {
    return this.holdsLease(id) && !this.moving.has(id)
  }

  /**
   * The lease is still ours (a solo replica: recorded, even past its deadline). What a session's use is
   * fenced by: a request admitted before a handover began finishes on the session (the handover waits
   * for it), while new ones are held at the door by `servesLocally`.
   */
  holdsLease(id: string): boolean {
    return this.leases.holds(id) || (this.solo && this.leases.has(id))
  }

  /** Waits (bounded) for a just-acquired instance's session to be resumed. */
  async settled(id: string, deadline: number): Promise<void> {
    const r = this.resuming.get(id)
    if (r) await Promise.race([r, delay(Math.max(0, deadline - Date.now()))])
  }

  isMoving(id: string): boolean {
    return this.moving.has(id)
  }

  /** Resolves after the next placement tick (or `ms`, whichever first). */
  nextTick(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const t = setTimeout(done, ms)
      function done() {
        clearTimeout(t)
        resolve()
      }
      this.waiters.add(done)
      this.kick()
    })
  }

  /** Counts a request on an instance; the returned function ends it. Handovers wait for these. */
  enter(id: string): () => void {
    return this.inflight.enter(id)
  }

  // ---- stopping ----

  /**
   * SIGTERM: stop taking instances, hand every held one over (the others see `draining` and take them),
   * up to `ms`. Whatever is still held after that is released without a handover.
   */
  async drain(ms: number): Promise<void> {
    if (this.draining || !this.started) return
    this.draining = true
    this.log.info({ instances: this.leases.size }, 'placement: draining')
    const until = Date.now() + ms
    await heartbeat(this.sql, { nodeId: this.nodeId, url: this.opts.url, draining: true, instances: this.leases.size, rssBytes: process.memoryUsage.rss(), starting: false }).catch(() => undefined)
    await notifyPlacement(this.sql).catch(() => undefined)
    while (this.leases.size > 0 && Date.now() < until) {
      // Another replica must see us draining and still be live: if there is none, nothing can be handed over.
      await this.tick().catch(() => undefined)
      if (this.snapshot.nodes.length === 0) break
      if (this.leases.size > 0) await delay(Math.min(200, this.opts.intervalMs))
    }
  }

  /** Stops the loop and releases what is left (the sessions end with the instance manager's close). */
  async stop(opts: { forget?: boolean } = {}): Promise<void> {
    this.stopped = true
    clearInterval(this.timer)
    clearInterval(this.watchdog)
    // A pass stuck on an unreachable database is not waited for long.
    if (this.ticking) await Promise.race([this.ticking.catch(() => undefined), delay(2000)])
    await Promise.race([this.unlisten?.().catch(() => undefined), delay(2000)])
    for (const l of this.leases.all()) {
      await this.instances.release(l.instanceId).catch(() => undefined)
      await this.closeInterval(l.instanceId, 'stopped')
      await releaseLease(this.sql, l, this.nodeId).catch(() => undefined)
      this.leases.drop(l.instanceId)
    }
    if (opts.forget) await removeReplica(this.sql, this.nodeId).catch(() => undefined)
    await notifyPlacement(this.sql).catch(() => undefined)
  }
}

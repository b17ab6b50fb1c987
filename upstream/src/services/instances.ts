/**
 * @module upstream/services/instances
 * Instance lifecycle: one driver session per instance, opened lazily, with its event queue. Routes
 * call these methods and then answer; each method flushes the instance's queue first so the DB (and
 * so fetchInstances) already shows the transition when the HTTP answer leaves.
 */
import type { Logger } from 'pino'
import { deleteInstance, findInstanceByName, listInstancesToResume, type InstanceRow, type Tx } from '../db/instances.js'
import { findMessageByKeyId, type AckStatus } from '../db/messages.js'
import { findWebhook } from '../db/webhooks.js'
import type { AckEvent, ConnectionState, DriverSession, WhatsAppDriver } from '../driver/types.js'
import { instanceMoving, notConnected, notFound } from '../lib/errors.js'
import type { WebhookDispatcher } from '../webhooks/dispatcher.js'
import { DeferredWrites } from './deferred-writes.js'
import { qrJson, stateJson } from './instance-json.js'
import { recordAck, SerialQueue, sessionEvents, type SessionContext } from './session-events.js'

type Entry = { session: DriverSession; ctx: SessionContext }

/**
 * Who may run which instance's session (services/placement). The default, one process owning every
 * instance, is what unit tests that build a manager alone get.
 */
export type Ownership = {
  /** False once the instance's lease is gone: no session may be opened or used (a handover waits for requests already in). */
  holds(instanceId: string): boolean
  /** A new instance created on this replica: take its lease before the first session opens. */
  adopt(row: { id: string; name: string }): Promise<void>
}

const SOLE_OWNER: Ownership = { holds: () => true, adopt: async () => undefined }

export class InstanceManager {
  private readonly entries = new Map<string, Entry>()
  /** Sends' writes kept while PostgreSQL is unavailable (one queue for all instances: their order holds). */
  readonly deferred: DeferredWrites
  private ownership: Ownership = SOLE_OWNER

  constructor(
    private readonly sql: Tx,
    private readonly driver: WhatsAppDriver,
    private readonly webhooks: WebhookDispatcher,
    private readonly log: Logger,
  ) {
    this.deferred = new DeferredWrites(log)
  }

  /** Placement's say over which sessions this process may run (deps.ts wires it). */
  setOwnership(o: Ownership): void {
    this.ownership = o
  }

  /** See Ownership.adopt. */
  adopt(row: InstanceRow): Promise<void> {
    return this.ownership.adopt(row)
  }

  /** Throws (503) unless this process still holds the instance's lease: checked right before a send. */
  fence(row: InstanceRow): void {
    if (!this.ownership.holds(row.id)) throw instanceMoving(row.name)
  }

  /** The instance's session (opened on first use) and its event context. Refused without the lease. */
  entry(row: InstanceRow): Entry {
    if (!this.ownership.holds(row.id)) throw instanceMoving(row.name)
    let e = this.entries.get(row.id)
    if (e) return e
    const ctx: SessionContext = {
      sql: this.sql,
      webhooks: this.webhooks,
      log: this.log,
      src: { id: row.id, name: row.name, token: row.token, ownerJid: row.ownerJid },
      queue: new SerialQueue(this.log),
      pendingInserts: new Map(),
      deferred: this.deferred,
    }
    const session = this.driver.open(
      { id: row.id, name: row.name, number: row.number, session: row.session, integration: row.integration, token: row.token, businessId: row.businessId },
      sessionEvents(ctx),
    )
    e = { session, ctx }
    this.entries.set(row.id, e)
    return e
  }

  /** In-memory state; an instance without a session yet is `close`. */
  state(row: InstanceRow): ConnectionState {
    return this.entries.get(row.id)?.session.state ?? 'close'
  }

  /** Waits until the instance's queued events reached the DB and the dispatcher. */
  async flush(row: InstanceRow): Promise<void> {
    await this.entries.get(row.id)?.ctx.queue.flush()
  }

  /** GET /instance/connect: open -> state; otherwise start connecting and answer the QR object. */
  async connect(row: InstanceRow, number?: string) {
    const { session } = this.entry(row)
    try {
      if (session.state === 'close') await session.connect({ number })
    } finally {
      // A refused connect (Cloud API: Meta's error) still records its state change before answering.
      await this.flush(row)
    }
    if (session.state === 'open') return stateJson(row.name, 'open')
    return qrJson(session.qr)
  }

  /** POST|PUT /instance/restart: Evolution answers `{error:true}` (200) for a closed instance. */
  async restart(row: InstanceRow) {
    const { session } = this.entry(row)
    if (session.state === 'close') return { error: true, message: '[object Object]' }
    await session.restart()
    await this.flush(row)
    return session.state === 'open' ? stateJson(row.name, 'open') : qrJson(session.qr)
  }

  /** DELETE /instance/logout: 400 when already closed. */
  async logout(row: InstanceRow) {
    const { session } = this.entry(row)
    if (session.state === 'close') throw notConnected(row.name)
    await session.logout()
    await this.flush(row)
    return { status: 'SUCCESS', error: false, response: { message: 'Instance logged out' } }
  }

  /** DELETE /instance/delete: logs out a live session first, then purges every row. */
  async remove(row: InstanceRow) {
    const e = this.entry(row)
    if (e.session.state !== 'close') {
      await e.session.logout()
      await this.flush(row)
    }
    const webhook = await findWebhook(this.sql, row.id)
    this.webhooks.emit(e.ctx.src, 'instance.delete', { instanceName: row.name, instanceId: row.id }, webhook)
    this.webhooks.emit(e.ctx.src, 'remove.instance', null, webhook)
    await e.session.end()
    this.entries.delete(row.id)
    await deleteInstance(this.sql, row.id)
    return { status: 'SUCCESS', error: false, response: { message: 'Instance deleted' } }
  }

  /** Sandbox ack and nack routes: applies `status` (with a nack's `error`) to a sent message now, whatever its current status. */
  async forceAck(keyId: string, status: AckStatus, error?: AckEvent['error']): Promise<{ id: string; instance: string; status: AckStatus }> {
    const msg = await findMessageByKeyId(this.sql, keyId)
    if (!msg || !msg.fromMe) throw notFound(`Message "${keyId}" not found`)
    const row = await findInstanceByName(this.sql, msg.instanceName)
    if (!row) throw notFound(`Message "${keyId}" not found`)
    const { ctx } = this.entry(row)
    await recordAck(ctx, keyId, status, true, error)
    return { id: keyId, instance: row.name, status }
  }

  /** Evolution 2.3.7 boot: instances whose DB status is open or connecting reconnect; close ones wait. */
  async boot(): Promise<number> {
    const rows = await listInstancesToResume(this.sql)
    for (const row of rows) {
      try {
        await this.connect(row)
      } catch (err) {
        this.log.error({ err, instance: row.name }, 'resume failed')
      }
    }
    return rows.length
  }

  /**
   * Ends one instance's session without logging out (its auth state stays, so the next owner resumes
   * it) and writes its queued events: the handover of services/placement.
   */
  async release(instanceId: string): Promise<void> {
    const e = this.entries.get(instanceId)
    if (!e) return
    this.entries.delete(instanceId)
    await e.session.end().catch((err: unknown) => this.log.warn({ err, instance: e.ctx.src.name }, 'session end failed'))
    await e.ctx.queue.flush()
  }

  /** Ends every session (no logout, no events) and drains the queues; deferred writes still waiting are logged as lost. */
  async close(): Promise<void> {
    await this.driver.close()
    await Promise.allSettled([...this.entries.values()].map((e) => e.ctx.queue.flush()))
    await this.deferred.settle(2000)
    this.deferred.close()
    this.entries.clear()
  }
}

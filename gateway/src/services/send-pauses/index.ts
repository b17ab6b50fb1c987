/**
 * @module services/send-pauses
 * Ban signals (issue 30; docs/delivery-guarantees.md, "Ban signals and stuck messages"). The upstream
 * events both receivers get (routes/internal) pass through `handle`:
 *   - a 463 nack pauses the instance at once; BAN_NACK_BURST_COUNT 4xx nacks within
 *     BAN_NACK_BURST_WINDOW_SECONDS pause it too (counted in a Redis sorted set per instance, keyed by
 *     message id, so the copy of an event the other receiver gets counts once, whichever process has it);
 *   - a close with 401/403 that no logout or delete through the API announced (`expectLogout`) pauses it;
 *   - SERVER_ACK stamps the message's log row (server_ack_at), which the stuck-message worker reads.
 * A pause refuses every send to the instance with 423 and the reason (a send-gate check: a Map read),
 * shows in connectionState, the panel's health card and GET /api/instances/{name}/health, goes to the
 * instance's user webhooks as SENDING_PAUSED and to the operator as an alert. Only a person resumes it
 * (POST /api/instances/{name}/resume-sending): the signal does not say when it is safe again.
 *
 * 423 Locked rather than 409 or 429: the instance is locked until someone acts; 429 tells clients to
 * retry later by themselves, which is exactly what must not happen, and 409 is already the "request in
 * flight" answer of Idempotency-Key.
 *
 * One instance per Deps (`sendPausesOf`), so tests that build several apps get one each.
 */
import type { Deps } from '../../deps.js'
import { logExists } from '../../db/queries/delivery-status.js'
import { stampServerAck } from '../../db/queries/send-pauses.js'
import { ApiError } from '../../errors/api-error.js'
import { PauseStore, type Pause } from './pause-store.js'
import { isClientNack, NACK_TIMELOCK, reasons, signalFrom } from './signals.js'

export type { Pause }
export type UserEventSink = (instance: string, envelope: Record<string, unknown>) => void

const EXPECTED_TTL_MS = 120_000
const ACK_RETRY_MS = [1000, 3000, 10_000]

export class SendPauses {
  readonly store: PauseStore
  private sink: UserEventSink | undefined
  /** Fallbacks while Redis is down (this process only). */
  private readonly expected = new Map<string, number>()
  private readonly nacks = new Map<string, Map<string, number>>()

  constructor(private readonly deps: Deps) {
    this.store = new PauseStore(deps.sql, deps.log.child({ component: 'send-pauses' }), deps.redis)
  }

  /** Where gateway-made events for users' webhooks go (routes/internal's forwarder). */
  setUserEventSink(sink: UserEventSink): void {
    this.sink = sink
  }

  /** A gateway-made event in the upstream's envelope shape, to the instance's user webhooks. */
  emitUserEvent(instance: string, event: string, data: Record<string, unknown>): void {
    this.sink?.(instance, { event, instance, data, date_time: new Date().toISOString(), sender: 'gateway' })
  }

  /** The send-gate check: a paused instance's sends are refused with the reason. */
  check(instance: string): undefined {
    const p = this.store.get(instance)
    if (p) throw new ApiError(423, `Sending is paused on instance ${instance}: ${p.reason}`, { paused: { ...p, instance } })
    return undefined
  }

  /** Called before a logout or delete through the API: the close it causes is not a ban signal. */
  async expectLogout(instance: string): Promise<void> {
    this.expected.set(instance, Date.now() + EXPECTED_TTL_MS)
    await this.deps.redis.set(this.expectedKey(instance), '1', 'PX', EXPECTED_TTL_MS).catch(() => undefined)
  }

  /** One upstream event (fire and forget from the receivers). */
  handle(instance: string, envelope: Record<string, unknown>): void {
    const s = signalFrom(envelope)
    if (!s) return
    const work =
      s.kind === 'server_ack' ? this.stampAck(s.keyId, 0)
      : s.kind === 'nack' ? this.onNack(instance, s.keyId, s.code, s.message)
      : this.onClosed(instance, s.statusReason)
    void work.catch((err: Error) => this.deps.log.warn({ instance, err: err.message }, 'ban-signal handling failed'))
  }

  /** Pauses the instance and tells everyone once (a repeat signal while paused changes nothing). */
  async pause(instance: string, signal: Pause['signal'], reason: string, code: number | null): Promise<Pause | null> {
    const p = await this.store.pause(instance, signal, reason, code)
    if (!p) return null
    this.deps.log.warn({ instance, signal, code }, `sending paused: ${reason}`)
    this.emitUserEvent(instance, 'sending.paused', { instance, signal, code, reason, since: p.since })
    void this.deps.alerts.notify({ kind: 'sending_paused', instance, reason })
    return p
  }

  /** Ends the pause (a person decided); the pause it ended, or null when there was none. */
  async resume(instance: string, userId: number | null): Promise<Pause | null> {
    const p = await this.store.resume(instance, userId)
    // The burst count starts again: the refusals before the pause must not re-pause at the next one.
    this.nacks.delete(instance)
    await this.deps.redis.del(this.nackKey(instance)).catch(() => undefined)
    if (p) {
      this.deps.log.info({ instance, userId }, 'sending resumed')
      this.emitUserEvent(instance, 'sending.resumed', { instance, signal: p.signal, pausedSince: p.since })
    }
    return p
  }

  private async onNack(instance: string, keyId: string, code: number, message: string | null): Promise<void> {
    if (code === NACK_TIMELOCK) {
      await this.pause(instance, 'nack_463', reasons.timelock(message), code)
      return
    }
    if (!isClientNack(code)) return
    const { BAN_NACK_BURST_COUNT: count, BAN_NACK_BURST_WINDOW_SECONDS: window } = this.deps.config
    const seen = await this.countNack(instance, keyId, window * 1000)
    if (seen >= count) await this.pause(instance, 'nack_burst', reasons.burst(seen, window, code, message), code)
  }

  private async onClosed(instance: string, statusReason: number): Promise<void> {
    if (await this.logoutExpected(instance)) return
    await this.pause(instance, 'logout', reasons.closed(statusReason), statusReason)
  }

  /** Nacks of the instance within the window, this one included (a message id counts once). */
  private async countNack(instance: string, keyId: string, windowMs: number): Promise<number> {
    const now = Date.now()
    const key = this.nackKey(instance)
    try {
      const res = await this.deps.redis.multi().zadd(key, now, keyId).zremrangebyscore(key, 0, now - windowMs).zcard(key).pexpire(key, windowMs).exec()
      const card = res?.[2]?.[1]
      if (typeof card === 'number') return card
    } catch {
      // Redis down: this process's own count.
    }
    const local = this.nacks.get(instance) ?? new Map<string, number>()
    this.nacks.set(instance, local)
    local.set(keyId, now)
    for (const [id, at] of local) if (at < now - windowMs) local.delete(id)
    return local.size
  }

  private async logoutExpected(instance: string): Promise<boolean> {
    const local = this.expected.get(instance)
    if (local && local > Date.now()) return true
    const hit = await this.deps.redis.get(this.expectedKey(instance)).catch(() => null)
    return hit !== null
  }

  private nackKey(instance: string): string {
    return `taguato:ban-nacks:${instance}`
  }

  private expectedKey(instance: string): string {
    return `taguato:expected-logout:${instance}`
  }

  /** SERVER_ACK -> server_ack_at; the row may still be in the log buffer: retried a few times. */
  private async stampAck(keyId: string, tryNo: number): Promise<void> {
    if ((await stampServerAck(this.deps.sql, keyId)) > 0) return
    if (tryNo >= ACK_RETRY_MS.length || (await logExists(this.deps.sql, keyId))) return
    setTimeout(() => void this.stampAck(keyId, tryNo + 1).catch(() => undefined), ACK_RETRY_MS[tryNo]).unref()
  }
}

const byDeps = new WeakMap<Deps, SendPauses>()

export function sendPausesOf(deps: Deps): SendPauses {
  let s = byDeps.get(deps)
  if (!s) {
    s = new SendPauses(deps)
    byDeps.set(deps, s)
  }
  return s
}

/** Called once per Deps by services/send-gate/checks.ts (createApp): the send-gate check, the store's refresh, its stop on shutdown. */
export function registerSendPauses(deps: Deps): void {
  const s = sendPausesOf(deps)
  deps.sendGate.add({ name: 'send-pauses', check: (req) => s.check(req.instance) })
  s.store.start()
  deps.stopOnClose.push(() => s.store.stop())
}

/**
 * @module services/scheduled/pacing
 * How fast the scheduled sender may send on one instance, by driver:
 *  - WHATSAPP-BAILEYS (and anything unknown): at least `instanceGapMs` (SCHEDULED_PACING_MS) between
 *    the end of one send and the start of the next on that instance, as the worker always did;
 *  - WHATSAPP-BUSINESS (Cloud API): at most `cloudMaxPerSecond` send starts in any 1 s window, and at
 *    least `cloudRecipientGapMs` between two sends to the same recipient (Meta's pair rate limit).
 * The state lives in the gateway process (one pacer per scheduled job), so it spans messages and
 * worker runs but not replicas; Meta's own answers (130429/131056) are retried on top (see retry.ts).
 * On top, the instance's send budgets (services/send-budget, shared with synchronous and queued sends):
 * once the local rules say go, `budget` waits until the budget lets the send go and counts it. Bulk and
 * scheduled sends wait for budget, they never fail for it.
 * The clock is injected so the rules are unit-tested without waiting.
 */

export const CLOUD_API = 'WHATSAPP-BUSINESS'

export type Clock = { now(): number; sleep(ms: number): Promise<void> }

export const systemClock: Clock = {
  now: () => Date.now(),
  sleep: (ms) => new Promise((r) => setTimeout(r, ms)),
}

export type PacingConfig = { instanceGapMs: number; cloudMaxPerSecond: number; cloudRecipientGapMs: number }

/** Waits for (and takes) the instance's send budget for one send to `to`; false when stopped meanwhile. */
export type BudgetWaiter = (instance: string, to: string, shouldStop: () => boolean) => Promise<boolean>

type Lane = {
  /** End of the last send (Baileys gap). */
  lastEnd: number | null
  /** Starts within the last second, oldest first (Cloud rate). */
  starts: number[]
  /** Recipient -> start of the last send to it (Cloud pair gap). */
  recipients: Map<string, number>
  touched: number
}

const WINDOW_MS = 1000
/** Longest single sleep, so a stop request is noticed within this time. */
const SLEEP_SLICE_MS = 1000
const SWEEP_AT = 1000

/** Recipient key: the digits of a number or JID user part (`+595 981...` and `595981...` are one). */
const recipientKey = (to: string): string => to.split('@')[0]!.replace(/\D/g, '') || to

export class SendPacer {
  private readonly lanes = new Map<string, Lane>()

  constructor(
    private readonly cfg: PacingConfig,
    private readonly clock: Clock = systemClock,
    private readonly budget?: BudgetWaiter,
  ) {}

  /** How long to wait, from now, before sending to `to` on `instance`; 0 = go. */
  waitMs(instance: string, integration: string, to: string): number {
    const lane = this.lanes.get(instance)
    if (!lane) return 0
    const now = this.clock.now()
    if (integration !== CLOUD_API) return lane.lastEnd === null ? 0 : Math.max(0, lane.lastEnd + this.cfg.instanceGapMs - now)
    while (lane.starts.length > 0 && lane.starts[0]! <= now - WINDOW_MS) lane.starts.shift()
    const rate = lane.starts.length >= this.cfg.cloudMaxPerSecond ? lane.starts[lane.starts.length - this.cfg.cloudMaxPerSecond]! + WINDOW_MS - now : 0
    const last = lane.recipients.get(recipientKey(to))
    const pair = last === undefined ? 0 : last + this.cfg.cloudRecipientGapMs - now
    return Math.max(0, rate, pair)
  }

  /** Waits until a send to `to` on `instance` is allowed; false when `shouldStop` turned true meanwhile. */
  async wait(instance: string, integration: string, to: string, shouldStop: () => boolean = () => false): Promise<boolean> {
    for (;;) {
      if (shouldStop()) return false
      const ms = this.waitMs(instance, integration, to)
      if (ms <= 0) return this.budget ? this.budget(instance, to, shouldStop) : true
      await this.clock.sleep(Math.min(ms, SLEEP_SLICE_MS))
    }
  }

  /** Records the start of a send (each attempt of it). */
  started(instance: string, to: string): void {
    const now = this.clock.now()
    const lane = this.lane(instance, now)
    lane.starts.push(now)
    if (lane.starts.length > this.cfg.cloudMaxPerSecond) lane.starts.splice(0, lane.starts.length - this.cfg.cloudMaxPerSecond)
    lane.recipients.set(recipientKey(to), now)
    if (lane.recipients.size > SWEEP_AT) {
      for (const [k, at] of lane.recipients) if (at <= now - this.cfg.cloudRecipientGapMs) lane.recipients.delete(k)
    }
  }

  /** Records the end of a send (answer or failure). */
  finished(instance: string): void {
    const now = this.clock.now()
    this.lane(instance, now).lastEnd = now
  }

  /** Instances with pacing state (tests, memory checks). */
  size(): number {
    return this.lanes.size
  }

  private lane(instance: string, now: number): Lane {
    let lane = this.lanes.get(instance)
    if (!lane) {
      if (this.lanes.size >= SWEEP_AT) this.sweep(now)
      lane = { lastEnd: null, starts: [], recipients: new Map(), touched: now }
      this.lanes.set(instance, lane)
    }
    lane.touched = now
    return lane
  }

  /** Drops lanes idle longer than every rule could still need them. */
  private sweep(now: number): void {
    const keep = Math.max(this.cfg.instanceGapMs, this.cfg.cloudRecipientGapMs, WINDOW_MS)
    for (const [name, lane] of this.lanes) if (lane.touched <= now - keep) this.lanes.delete(name)
  }
}

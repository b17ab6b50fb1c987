/**
 * @module services/webhooks/deliveries
 * Durable deliveries of upstream events to user webhook URLs (docs/delivery-guarantees.md, "Webhook
 * deliveries"). For each event and webhook the receiving gateway writes a webhook_deliveries row and a
 * pg-boss job in ONE transaction before it answers the upstream, then makes the first attempt at once
 * (no polling delay). The job is the retry: it starts WEBHOOK_DELIVERY_RETRY_DELAY_SECONDS later, and
 * pg-boss backs off (doubling, with jitter) while attempts fail. Every attempt appends to the delivery
 * log. After WEBHOOK_DELIVERY_ATTEMPTS the delivery is dead (a dead letter, replayable); a job pg-boss
 * itself gives up on (its worker died at the last try) lands in the `webhook-dead` queue, whose worker
 * marks the delivery dead too. WEBHOOK_DISABLE_AFTER_DEAD dead letters in a row disable the webhook.
 *
 * Only one attempt of a delivery runs at a time, on any gateway: an attempt claims the row for the
 * attempt's timeout plus a margin. Delivery is at least once: a gateway that dies after the receiver
 * answered but before the row is updated sends that attempt again, with the same X-Taguato-Delivery.
 *
 * Queues: `webhook-delivery` for ordinary URLs. A URL this gateway may reach only because
 * WEBHOOK_ALLOWED_HOSTS exempts it goes to `webhook-delivery-local-<hash of that list>`, worked only
 * by gateways with the same list: another replica never refuses (and kills) a delivery its own SSRF
 * rules forbid. In production every replica shares the list, so both are the same set of workers.
 */
import { createHash } from 'node:crypto'
import type { Deps } from '../../deps.js'
import {
  claimDelivery, countDead, insertDelivery, markDeadIfOpen, recordAttempt, reopenDead, resetConsecutiveDead, setDeliveryJob,
  type DeliveryWork,
  deliveryJobId, deliveryWebhookId, pgBossOnTransaction, setWebhookLastError,
} from '../../db/queries/webhook-deliveries.js'
import type { DeliveryTarget } from '../../db/queries/webhooks.js'
import { createGatewayOutbound, type OutboundClient } from '../outbound/guard.js'
import { parseWebhookUrl } from '../ssrf/ssrf.js'
import { attemptOnce } from './forwarder.js'
import { notifyDisabled } from './disable-notice.js'

export const DELIVERY_QUEUE = 'webhook-delivery'
export const DEAD_QUEUE = 'webhook-dead'
/** Inline first attempts in flight per process; beyond it the queued job makes the first attempt too. */
const MAX_INLINE = 200

export type DeliveryJob = { deliveryId: number }

/** The queue of the gateways that may reach these exempt hosts (order and case do not matter). */
export function localQueue(allowedHosts: readonly string[]): string | null {
  if (allowedHosts.length === 0) return null
  const key = [...new Set(allowedHosts.map((h) => h.trim().toLowerCase()))].sort().join(',')
  return `${DELIVERY_QUEUE}-local-${createHash('sha256').update(key).digest('hex').slice(0, 12)}`
}

/** Which queue a URL's deliveries go to (see the module comment). */
export function queueFor(url: string, allowedHosts: readonly string[]): string {
  const parsed = parseWebhookUrl(url, allowedHosts)
  return parsed.ok && parsed.exempt ? (localQueue(allowedHosts) ?? DELIVERY_QUEUE) : DELIVERY_QUEUE
}

export class WebhookDeliveries {
  private readonly outbound: OutboundClient
  private readonly inflight = new Set<Promise<void>>()
  private closed = false

  constructor(private readonly deps: Deps) {
    this.outbound = createGatewayOutbound({ allowedHosts: deps.config.WEBHOOK_ALLOWED_HOSTS, connectTimeoutMs: deps.config.WEBHOOK_FORWARD_TIMEOUT_MS })
  }

  private get timeoutSeconds(): number {
    return Math.ceil(this.deps.config.WEBHOOK_FORWARD_TIMEOUT_MS / 1000)
  }

  /** How long an attempt holds its row: the request's timeout, the SSRF lookup and the log write. */
  private get claimSeconds(): number {
    return this.timeoutSeconds + 15
  }

  private queueOptions() {
    return {
      retryLimit: 0,
      retryDelaySeconds: this.deps.config.WEBHOOK_DELIVERY_RETRY_DELAY_SECONDS,
      retryBackoff: true,
      expireInSeconds: this.claimSeconds + 15,
      deadLetter: DEAD_QUEUE,
    }
  }

  async ensureQueues(names: readonly string[]): Promise<void> {
    for (const n of names) await this.deps.jobs.ensureQueue(n, this.queueOptions())
  }

  /**
   * Per-job retry settings (they travel with the job, so whichever gateway runs it uses the sender's).
   * pg-boss may run the job more often than there are attempts left (a run that finds the row held by
   * another attempt is retried too); extra runs see the row dead or delivered and do nothing.
   */
  private jobOptions(attemptsLeft: number, startAfterSeconds: number) {
    return {
      retryLimit: attemptsLeft + 3,
      retryDelay: this.deps.config.WEBHOOK_DELIVERY_RETRY_DELAY_SECONDS,
      retryBackoff: true,
      expireInSeconds: this.claimSeconds + 15,
      deadLetter: DEAD_QUEUE,
      startAfter: startAfterSeconds,
    }
  }

  /**
   * Makes one event durable for one webhook (row + job, committed together), then tries it once at
   * once unless the process is closing or has too many attempts in flight. Throws when the event could
   * not be stored (the receiver answers an error then, so the upstream may send it again).
   */
  async enqueue(target: DeliveryTarget, event: string, envelope: Record<string, unknown>): Promise<void> {
    const { config } = this.deps
    const queue = queueFor(target.webhook_url, config.WEBHOOK_ALLOWED_HOSTS)
    await this.ensureQueues([queue])
    const inline = !this.closed && this.inflight.size < MAX_INLINE
    const attempts = config.WEBHOOK_DELIVERY_ATTEMPTS
    const id = await this.deps.sql.begin(async (tx) => {
      const row = await insertDelivery(tx, { webhookId: target.id, event, payload: envelope, maxAttempts: attempts, queue, claimSeconds: inline ? this.claimSeconds : null })
      const db = pgBossOnTransaction(tx)
      const jobId = await this.deps.jobs.boss.send(queue, { deliveryId: row.id } satisfies DeliveryJob, {
        ...this.jobOptions(inline ? attempts - 1 : attempts, inline ? config.WEBHOOK_DELIVERY_RETRY_DELAY_SECONDS : 0),
        db,
      })
      // pg-boss answers null when the queue does not exist: never keep a delivery no job carries.
      if (!jobId) throw new Error(`webhook delivery not queued (queue ${queue})`)
      await setDeliveryJob(tx, row.id, jobId)
      return row.id
    })
    if (!inline) return
    const p = this.attempt(id, true).then(
      (state) => {
        if (state === 'delivered') void this.cancelJob(queue, id)
      },
      (err: Error) => this.deps.log.warn({ delivery: id, err: err.message }, 'inline webhook attempt failed; the queued job retries it'),
    )
    this.inflight.add(p)
    void p.finally(() => this.inflight.delete(p))
  }

  /** The retry job is not needed once the inline attempt delivered (it would find the row delivered anyway). */
  private async cancelJob(queue: string, deliveryId: number): Promise<void> {
    const jobId = await deliveryJobId(this.deps.sql, deliveryId)
    if (jobId) await this.deps.jobs.boss.cancel(queue, jobId).catch(() => undefined)
  }

  /**
   * One attempt of one delivery; returns its state after, or 'busy' when another attempt holds it and
   * 'closed' when it is no longer open. `claimed`: the row was claimed when it was written (inline).
   */
  async attempt(id: number, claimed = false): Promise<'delivered' | 'failed' | 'dead' | 'busy' | 'closed'> {
    const { work, held } = await claimDelivery(this.deps.sql, id, this.claimSeconds, { alreadyClaimed: claimed })
    if (!work) return held ? 'busy' : 'closed'
    if (!work.is_active) {
      // Disabled or deactivated since: nothing is sent; the letter waits, dead, for a replay.
      await markDeadIfOpen(this.deps.sql, id, 'webhook is not active')
      return 'dead'
    }
    const result = await attemptOnce(this.outbound, work, { allowedHosts: this.deps.config.WEBHOOK_ALLOWED_HOSTS, timeoutMs: this.deps.config.WEBHOOK_FORWARD_TIMEOUT_MS })
    const state = await recordAttempt(this.deps.sql, work, result)
    if (state === null) return 'closed'
    if (state === 'delivered') await resetConsecutiveDead(this.deps.sql, work.webhook_id)
    else {
      this.deps.log.warn({ webhook: work.webhook_id, delivery: id, event: work.event, attempt: work.attempts + 1, err: result.error }, 'webhook delivery attempt failed')
      await setWebhookLastError(this.deps.sql, work.webhook_id, `delivery failed: ${result.error ?? ''}`)
      if (state === 'dead') await this.onDead(work, result.error ?? 'failed')
    }
    return state
  }

  /** A dead letter counts towards disabling its webhook; the owner is told when it does. */
  async onDead(work: Pick<DeliveryWork, 'webhook_id'>, lastError: string): Promise<void> {
    const threshold = this.deps.config.WEBHOOK_DISABLE_AFTER_DEAD
    const reason = `Disabled after ${threshold} consecutive dead-lettered deliveries (last: ${lastError})`.slice(0, 1000)
    const owner = await countDead(this.deps.sql, work.webhook_id, threshold, reason)
    if (owner) await notifyDisabled(this.deps, { webhookId: work.webhook_id, reason, ...owner })
  }

  /** The job handler: a throw asks pg-boss for a retry (with backoff). */
  async runJob(job: { data: DeliveryJob }): Promise<void> {
    const state = await this.attempt(job.data.deliveryId)
    if (state === 'failed') throw new Error('webhook delivery failed; retrying')
    if (state === 'busy') throw new Error('webhook delivery attempt in progress elsewhere')
  }

  /** A job pg-boss gave up on: its delivery is dead unless an attempt already settled it. */
  async runDeadJob(job: { data: DeliveryJob }): Promise<void> {
    const id = job.data.deliveryId
    if (!(await markDeadIfOpen(this.deps.sql, id, 'retries exhausted'))) return
    const webhookId = await deliveryWebhookId(this.deps.sql, id)
    if (webhookId !== null) await this.onDead({ webhook_id: webhookId }, 'retries exhausted')
  }

  /**
   * Replays dead letters (`ids` null = all of the webhook): each is reopened for exactly one more
   * attempt and queued. Returns the ids reopened (a letter no longer dead is not among them).
   */
  async replay(webhookId: number, ids: number[] | null): Promise<number[]> {
    const rows = await this.deps.sql.begin(async (tx) => {
      const reopened = await reopenDead(tx, webhookId, ids)
      if (reopened.length === 0) return reopened
      await this.ensureQueues([...new Set(reopened.map((r) => r.queue))])
      const db = pgBossOnTransaction(tx)
      for (const r of reopened) {
        const jobId = await this.deps.jobs.boss.send(r.queue, { deliveryId: r.id } satisfies DeliveryJob, { ...this.jobOptions(1, 0), db })
        if (!jobId) throw new Error(`webhook replay not queued (queue ${r.queue})`)
        await setDeliveryJob(tx, r.id, jobId)
      }
      return reopened
    })
    return rows.map((r) => r.id)
  }

  /** The queues this gateway works: the shared one, its allowed hosts' one, and the dead letters. */
  async startWorkers(): Promise<void> {
    const local = localQueue(this.deps.config.WEBHOOK_ALLOWED_HOSTS)
    const queues = local ? [DELIVERY_QUEUE, local] : [DELIVERY_QUEUE]
    await this.ensureQueues(queues)
    // One job per fetch: pg-boss fails a whole batch when its handler throws. Two workers per queue so
    // one slow receiver does not hold up every other delivery of this process.
    for (const q of queues) {
      for (let i = 0; i < 2; i++) await this.deps.jobs.work<DeliveryJob>(q, { pollingIntervalSeconds: 1, batchSize: 1 }, (job) => this.runJob(job))
    }
    await this.deps.jobs.work<DeliveryJob>(DEAD_QUEUE, { pollingIntervalSeconds: 5 }, (job) => this.runDeadJob(job))
  }

  /** Waits (bounded) for inline attempts; one cut short is retried by its job (its claim expires). */
  async close(): Promise<void> {
    this.closed = true
    const idle = (async () => {
      while (this.inflight.size) await Promise.allSettled([...this.inflight])
    })()
    await Promise.race([idle, new Promise((r) => setTimeout(r, 5000))])
    await this.outbound.close().catch(() => undefined)
  }
}

const instances = new WeakMap<Deps, WebhookDeliveries>()

/** One per process (per deps): the receiver, the routes and the workers share it. */
export function webhookDeliveries(deps: Deps): WebhookDeliveries {
  let d = instances.get(deps)
  if (!d) {
    const created = new WebhookDeliveries(deps)
    d = created
    instances.set(deps, created)
    deps.shutdownHooks.push(() => created.close())
  }
  return d
}

/**
 * Workers of the delivery queues, on gateways with WORKERS_ENABLED (others still queue and make first
 * attempts). pg-boss needs PostgreSQL: until it is reachable, this tries again every 10 s.
 */
export function registerWebhookDeliveryWorkers(deps: Deps): void {
  if (!deps.config.WORKERS_ENABLED) return
  const d = webhookDeliveries(deps)
  let stopped = false
  deps.shutdownHooks.push(async () => {
    stopped = true
  })
  const start = (): void => {
    if (stopped) return
    d.startWorkers().catch((err: Error) => {
      deps.log.warn({ err: err.message }, 'webhook delivery workers not started; retrying in 10 s')
      setTimeout(start, 10_000).unref()
    })
  }
  start()
}

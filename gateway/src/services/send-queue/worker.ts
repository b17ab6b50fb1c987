/**
 * @module services/send-queue/worker
 * Delivers queued sends (docs/delivery-guarantees.md#queued-sends-and-budgets). One pg-boss job per
 * instance at a time (queue 'send-queue', policy 'stately' keyed by the instance: one running, one
 * waiting) drains that instance's rows in seq order:
 *  - each row waits for the instance's budget (services/send-budget: paced, with jitter), is marked
 *    'sending' (committed) and only then sent through deps.upstream;
 *  - sent: 'sent' with WhatsApp's id, in queued_sends and message_logs, and the user's webhooks told;
 *  - a transient failure (upstream 5xx but 504, or unreachable, the instance not connected, Meta 130429/131056)
 *    puts the row back to 'queued' with a doubling backoff and ends the drain (order is kept: nothing
 *    after it goes first); a later job retries;
 *  - any other 4xx: 'failed' with the upstream's reason; past expires_at (QUEUED_SEND_TTL_SECONDS):
 *    'failed' "expired"; an answer lost mid-request (timeout, connection cut) or a 504: 'unconfirmed';
 *  - a row found 'sending' was cut by a gateway that died mid-send: its outcome is unknown, so it is
 *    'unconfirmed', never resent on a guess.
 * A drain runs at most DRAIN_MS, then hands over to a new job, so a gateway killed mid-drain leaves a
 * job that pg-boss expires and runs again. A sweep every SWEEP_MS (and at start) enqueues a drain for
 * every instance with pending rows: a lost job never strands a send.
 */
import type { Deps } from '../../deps.js'
import { claimRow, instancesWithPending, nextPending, purgeSettled, requeueRow, settleRow, type QueuedRow, type Settle } from '../../db/queries/queued-sends.js'
import { UpstreamError } from '../upstream-client/upstream-client.js'
import { upstreamErrorText, waMessageId } from '../message-log/message-type.js'
import { classifyAnswer, outcomeUnknown } from '../scheduled/retry.js'
import { sendControls } from '../send-budget/controls.js'
import { notifyQueueStatus, remoteJidOf } from './notify.js'

export const SEND_QUEUE = 'send-queue'
const DRAIN_MS = 25_000
const SWEEP_MS = 30_000
/** A budget wait up to this long is slept in the job; a longer one becomes a delayed job. */
const MAX_INLINE_WAIT_MS = 10_000
const BACKOFF_BASE_MS = 2000
const BACKOFF_MAX_MS = 30_000
/** Settled rows kept this long (the outcome stays in message_logs). */
const KEEP_DAYS = 7
const WORKERS_PER_PROCESS = 4
const NEVER_SENT = /ECONNREFUSED|ENOTFOUND|EAI_AGAIN|EHOSTUNREACH|ENETUNREACH|UND_ERR_CONNECT/

type DrainJob = { instance: string }

const queueReady = new WeakMap<object, Promise<void>>()

function ensureQueue(deps: Deps): Promise<void> {
  let p = queueReady.get(deps)
  if (!p) {
    // Retries only cover a drain whose gateway died (expired); a drain never fails on purpose.
    p = deps.jobs.ensureQueue(SEND_QUEUE, { retryLimit: 1000, retryDelaySeconds: 2, retryBackoff: false, expireInSeconds: 120, policy: 'stately' })
    p.catch(() => queueReady.delete(deps))
    queueReady.set(deps, p)
  }
  return p
}

/** Enqueues a drain of `instance` (a no-op when one is already waiting), at once or after `delayMs`. */
export async function enqueueDrain(deps: Deps, instance: string, delayMs = 0): Promise<void> {
  await ensureQueue(deps)
  const startAfter = delayMs > 0 ? Math.ceil(delayMs / 1000) : undefined
  await deps.jobs.send<DrainJob>(SEND_QUEUE, { instance }, { singletonKey: instance, ...(startAfter ? { startAfter } : {}) })
}

const jitter = (ms: number) => ms * (1 + Math.random() * 0.2)
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

type Outcome = { kind: 'sent'; waMessageId: string | null } | { kind: 'transient' | 'failed' | 'unconfirmed'; error: string }

/** One attempt through the gateway's own upstream client, classified. */
async function attempt(deps: Deps, row: QueuedRow): Promise<Outcome> {
  try {
    const res = await deps.upstream.request('POST', `/message/${row.action}/${encodeURIComponent(row.instance_name)}`, row.body, { timeoutMs: deps.config.UPSTREAM_SEND_TIMEOUT_MS })
    if (res.status < 300) return { kind: 'sent', waMessageId: waMessageId(res.body) }
    const detail = upstreamErrorText(res.body) ?? ''
    const error = `status ${res.status}${detail ? `: ${detail.slice(0, 300)}` : ''}`
    // A 504: whoever held the send did not answer; it may be out. Never resent on a guess.
    if (outcomeUnknown(res.status)) return { kind: 'unconfirmed', error: `${error} (the upstream may have sent it)` }
    // The instance reconnecting answers "Connection Closed" (500 or 400): wait for it like a 5xx.
    if (classifyAnswer(res.status, res.body) || /connection closed|not connected|reconnect/i.test(detail)) return { kind: 'transient', error }
    return { kind: 'failed', error }
  } catch (err) {
    const error = (err as Error).message
    if (err instanceof UpstreamError && NEVER_SENT.test(error)) return { kind: 'transient', error }
    return { kind: 'unconfirmed', error: `${error} (the upstream may have sent it)` }
  }
}

async function settle(deps: Deps, row: QueuedRow, s: Settle): Promise<void> {
  await settleRow(deps.sql, row, s)
  notifyQueueStatus(deps, {
    instance: row.instance_name, messageId: row.message_id, remoteJid: remoteJidOf(row.phone_number), status: s.status,
    waMessageId: s.status === 'sent' ? s.waMessageId : null, error: s.status === 'sent' ? null : s.error,
  })
}

/** Drains one instance's queue; resolves when it is empty, waiting (a later job continues), or out of time. */
export async function drain(deps: Deps, instance: string, shouldStop: () => boolean): Promise<void> {
  const controls = sendControls(deps)
  const end = Date.now() + DRAIN_MS
  for (;;) {
    if (shouldStop() || Date.now() > end) return enqueueDrain(deps, instance, 1000)
    const row = await nextPending(deps.sql, instance)
    if (!row) return
    if (row.status === 'sending') {
      deps.log.warn({ instance, message: row.message_id }, 'queued send left sending by a stopped gateway: unconfirmed, not resent')
      await settle(deps, row, { status: 'unconfirmed', error: 'The gateway stopped during the send: it may or may not have gone out (not resent)' })
      continue
    }
    if (row.expires_at.getTime() <= Date.now()) {
      await settle(deps, row, { status: 'failed', error: `expired: not delivered within ${deps.config.QUEUED_SEND_TTL_SECONDS} s (attempts: ${row.attempts})` })
      continue
    }
    const notBefore = row.next_attempt_at.getTime() - Date.now()
    if (notBefore > 0) return enqueueDrain(deps, instance, notBefore)
    const budget = await controls.take(instance, row.phone_number)
    if (!budget.ok) {
      const wait = jitter(budget.retryAfterSeconds * 1000)
      if (wait > MAX_INLINE_WAIT_MS) return enqueueDrain(deps, instance, wait)
      await sleep(wait)
      continue
    }
    if (!(await claimRow(deps.sql, row.id))) continue
    const out = await attempt(deps, row)
    if (out.kind === 'sent') await settle(deps, row, { status: 'sent', waMessageId: out.waMessageId })
    else if (out.kind === 'failed' || out.kind === 'unconfirmed') await settle(deps, row, { status: out.kind, error: out.error })
    else {
      const delay = jitter(Math.min(BACKOFF_MAX_MS, BACKOFF_BASE_MS * 2 ** row.attempts))
      await requeueRow(deps.sql, row.id, out.error, delay)
      return enqueueDrain(deps, instance, delay)
    }
    // Pacing between two sends of one instance, with jitter (Baileys: not a machine-gun cadence).
    await sleep(jitter(deps.config.SCHEDULED_PACING_MS / 4))
  }
}

/** Starts this process's queue workers and the sweep (server start, WORKERS_ENABLED only). */
export function startSendQueueWorker(deps: Deps): void {
  let stopping = false
  const shouldStop = () => stopping
  deps.shutdownHooks.push(async () => {
    stopping = true
  })
  const sweep = async () => {
    for (const instance of await instancesWithPending(deps.sql)) await enqueueDrain(deps, instance)
    await purgeSettled(deps.sql, KEEP_DAYS)
  }
  let workers = 0
  const start = async () => {
    await ensureQueue(deps)
    for (; workers < WORKERS_PER_PROCESS; workers++) {
      await deps.jobs.work<DrainJob>(SEND_QUEUE, { pollingIntervalSeconds: 1, batchSize: 1 }, (job) => drain(deps, job.data.instance, shouldStop))
    }
    await sweep()
  }
  // PostgreSQL down, or pg-boss creating its schema/queues for another service at the same moment
  // (a deadlock it reports): try again until it starts.
  const attemptStart = (): void => {
    if (stopping) return
    start().catch((err: Error) => {
      deps.log.warn({ err: err.message }, 'send queue worker not started; retrying in 5 s')
      setTimeout(attemptStart, 5000).unref()
    })
  }
  attemptStart()
  const timer = setInterval(() => void sweep().catch((err: Error) => deps.log.warn({ err: err.message }, 'send queue sweep failed')), SWEEP_MS)
  timer.unref()
  deps.shutdownHooks.push(async () => clearInterval(timer))
}

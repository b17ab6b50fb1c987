/**
 * @module workers/scheduled-messages
 * Sends due scheduled messages (and bulk sends, which are scheduled messages due now). Guarantees (D12, docs/decisions.md#d12):
 *  - a message is claimed with FOR UPDATE SKIP LOCKED plus a lease renewed before every recipient, so
 *    two workers never work on the same message, and a message whose worker died is taken over once
 *    its lease (SCHEDULED_LEASE_SECONDS) has run out;
 *  - each recipient is claimed by inserting its 'sending' log row BEFORE the send (unique per message
 *    and number), so no recipient is ever sent twice, whatever crashes or overlaps;
 *  - a run started elsewhere skips recipients already handled. The one window left is a crash between
 *    the claim and the upstream's answer (a 'sending' row left behind): the takeover asks the upstream
 *    (services/scheduled/confirm.ts), once the send had time to finish (a young orphan waits until the
 *    message's other recipients are done). It has the message: settled 'sent'. It has none: sent now, on
 *    the same claim. It cannot tell: 'unconfirmed' (issue 31), never
 *    reported as sent and not resent until the operator asks (POST /api/scheduled/:id/resend-unconfirmed
 *    sets resend_requested_at; unconfirmed rows older than that are claimed and sent again, unless the
 *    upstream has them by then). A send whose answer says nothing (504, timeout, connection cut) is not
 *    retried: it is settled the same way once the other recipients are done (services/scheduled/unsure.ts).
 * One run works on up to SCHEDULED_CONCURRENCY messages at once, never two of the same instance, paces
 * each instance by its driver (services/scheduled/pacing.ts: SCHEDULED_PACING_MS for Baileys, the
 * Cloud API's per-second and per-recipient limits for WHATSAPP-BUSINESS; one pacer per job, so the
 * limits hold across messages and runs of this process), retries Meta's throttling answers with
 * backoff (services/scheduled/retry.ts), checks for cancellation before each recipient, and keeps
 * claiming newly due messages until none is left. A templated message's text is filled per recipient
 * from its stored variables (docs/templates.md) before the send, the History text and the takeover's check.
 */
import { randomBytes } from 'node:crypto'
import { hostname } from 'node:os'
import type { Deps } from '../deps.js'
import type { ScheduledRow } from '../db/queries/scheduled.js'
import { instanceIntegration } from '../db/queries/instances.js'
import { claimDue, claimRecipient, confirmUnconfirmed, finish, priorLog, purgeOld, recordSend, release, renewLease, settleOrphan, type PriorLog } from '../db/queries/scheduled-worker.js'
import { askUpstream, SETTLED_AFTER_MS } from '../services/scheduled/confirm.js'
import { SendPacer, systemClock, type BudgetWaiter } from '../services/scheduled/pacing.js'
import { sendControls } from '../services/send-budget/controls.js'
import { finalStatus, summarize, type Outcome, type Results } from '../services/scheduled/results.js'
import { liveChannel, publishLive } from '../services/live-events/index.js'
import type { RetryPolicy } from '../services/scheduled/retry.js'
import { sendRequest, sendWithRetry } from '../services/scheduled/sender.js'
import { settleUnsure, type Unsure, type UnsureContext } from '../services/scheduled/unsure.js'
import { messageTextFor } from '../services/message-log/message-text.js'
import { fillContent } from '../services/templates/placeholders.js'
import type { Job } from './scheduler.js'

export const SCHEDULED_JOB = 'scheduled-messages'

// SIGTERM/SIGINT: stop between recipients and hand messages back (the scheduler waits for the run).
let stopping = false
let signalsHooked = false
function hookSignals(): void {
  if (signalsHooked) return
  signalsHooked = true
  for (const sig of ['SIGTERM', 'SIGINT'] as const) process.once(sig, () => void (stopping = true))
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms))
const shouldStop = () => stopping

/** The longest single retry wait (a Meta backoff doubles up to here). */
const MAX_RETRY_DELAY_MS = 300_000

export function retryPolicy(c: Deps['config']): RetryPolicy {
  return {
    transientAttempts: 3,
    transientDelayMs: c.SCHEDULED_RETRY_DELAY_MS,
    metaAttempts: c.SCHEDULED_META_RETRY_ATTEMPTS,
    metaDelayMs: c.SCHEDULED_META_RETRY_DELAY_MS,
    maxDelayMs: MAX_RETRY_DELAY_MS,
  }
}

export function pacerFor(c: Deps['config'], budget?: BudgetWaiter): SendPacer {
  return new SendPacer({ instanceGapMs: c.SCHEDULED_PACING_MS, cloudMaxPerSecond: c.CLOUD_API_MAX_PER_SECOND, cloudRecipientGapMs: c.CLOUD_API_RECIPIENT_GAP_MS }, systemClock, budget)
}

/** The pacer of a worker: local pacing, then the instance's send budget (services/send-budget: waits, never fails). */
export function budgetedPacer(deps: Deps): SendPacer {
  const controls = sendControls(deps)
  return pacerFor(deps.config, (instance, to, stop) => controls.waitFor(instance, to, stop))
}

type RunTotals = { messages: number; sent: number; failed: number }

export type RunOptions = {
  /** How long after its claim an unsure send's "not there" proves it never left (tests shorten it). */
  settledAfterMs?: number
}

/** Works on one claimed message until done, cancelled, lost or stopped. */
async function processMessage(deps: Deps, pacer: SendPacer, m: ScheduledRow, owner: string, totals: RunTotals, opts: RunOptions): Promise<void> {
  const { sql, config } = deps
  const lease = config.SCHEDULED_LEASE_SECONDS
  let recipients: string[]
  try {
    const arr = JSON.parse(m.recipients) as unknown
    if (!Array.isArray(arr)) throw new Error('not an array')
    recipients = arr.map((x) => String(x).trim())
  } catch {
    await finish(sql, m.id, owner, 'failed', { total: 0, sent: 0, failed: 0, unconfirmed: 0, skipped: 0, errors: ['Invalid recipients JSON'] })
    return
  }
  const outcomes: Outcome[] = []
  const seen = new Set<string>()
  let stop: 'cancelled' | 'lost' | 'shutdown' | null = null
  const integration = await instanceIntegration(sql, m.instance_name)
  const policy = retryPolicy(config)
  // Keeps the lease while one send is slow (retries with backoff can outlast it).
  const keeper = setInterval(() => void renewLease(sql, m.id, owner, lease).catch(() => undefined), (lease * 1000) / 3)
  keeper.unref()
  const send = async (phone: string) => {
    try {
      return await sendWithRetry(deps.upstream, m.instance_name, m.message_type, contentFor(m, phone), phone, {
        policy,
        shouldStop,
        // A retry waits its pacing turn too (a 131056 retry must respect the recipient gap).
        beforeAttempt: async (attempt) => {
          if (attempt > 1) await pacer.wait(m.instance_name, integration, phone, shouldStop)
          pacer.started(m.instance_name, phone)
        },
      })
    } finally {
      pacer.finished(m.instance_name)
    }
  }
  const unsure: Unsure[] = []
  const settledAfterMs = opts.settledAfterMs ?? SETTLED_AFTER_MS
  try {
    for (const phone of recipients) {
      if (!phone || seen.has(phone)) {
        outcomes.push({ kind: 'duplicate' })
        continue
      }
      seen.add(phone)
      const prior = await priorLog(sql, m.id, phone)
      // An orphan the upstream never sent keeps its claim (its row) and is sent below.
      let reuse: number | null = null
      if (prior?.status === 'sending' && Date.now() - prior.created_at.getTime() < settledAfterMs) {
        // Its worker died moments ago and the send may still be running upstream: "not there" would
        // prove nothing yet, so it is asked about once the others are done (services/scheduled/unsure.ts).
        unsure.push({ phone, logId: prior.id, claimedAt: prior.created_at, answeredAt: Date.now() })
        continue
      }
      if (prior) {
        const settled = await settlePrior(deps, m, phone, prior)
        if (settled === 'resend-orphan') reuse = prior.id
        else if (settled !== 'resend') {
          outcomes.push({ kind: 'previous', number: phone, status: settled.status, error: settled.error })
          continue
        }
      }
      await pacer.wait(m.instance_name, integration, phone, shouldStop)
      if (stopping) {
        stop = 'shutdown'
        break
      }
      const state = await renewLease(sql, m.id, owner, lease)
      if (state !== 'ok') {
        stop = state
        break
      }
      const claimedAt = reuse !== null && prior ? prior.created_at : new Date()
      const logId = reuse ?? (await claimRecipient(sql, m, phone, scheduledText(m, phone)))
      if (logId === null) {
        // Another worker holds this recipient in flight: not known to be sent.
        outcomes.push({ kind: 'previous', number: phone, status: 'sending', error: null })
        continue
      }
      const r = await send(phone)
      if (r.unknown) {
        // May have gone out: neither retried nor failed; settled after the others (services/scheduled/unsure.ts).
        unsure.push({ phone, logId, claimedAt, answeredAt: Date.now() })
        continue
      }
      await recordSend(sql, logId, r)
      if (r.ok) totals.sent++
      else totals.failed++
      outcomes.push(r.ok ? { kind: 'sent' } : { kind: 'failed', number: phone, error: r.error ?? 'failed' })
      progress(deps, m, summarize(recipients.length, outcomes))
    }
    if (stop === null || stop === 'cancelled') {
      const ctx: UnsureContext = {
        sql, upstream: deps.upstream, instance: m.instance_name, type: m.message_type, contentFor: (phone) => contentFor(m, phone),
        // Found absent: it never left, and a cancelled message sends nothing more.
        send: async (phone) => {
          if (stop === 'cancelled') return { ok: false, error: 'not sent: the message was cancelled', waMessageId: null }
          await pacer.wait(m.instance_name, integration, phone, shouldStop)
          return send(phone)
        },
        shouldStop, sleep, settledAfterMs,
      }
      for (const u of unsure) {
        const outcome = await settleUnsure(ctx, u)
        if (!outcome) {
          stop = 'shutdown'
          break
        }
        outcomes.push(outcome)
        if (outcome.kind === 'sent') totals.sent++
        else if (outcome.kind === 'failed') totals.failed++
        progress(deps, m, summarize(recipients.length, outcomes))
      }
    }
  } finally {
    clearInterval(keeper)
  }
  if (stop === 'lost') {
    deps.log.warn({ scheduled: m.id }, 'scheduled message lease lost; another worker continues it')
    return
  }
  if (stop === 'shutdown') return release(sql, m.id, owner)
  const results = summarize(recipients.length, outcomes)
  await finish(sql, m.id, owner, finalStatus(results, stop === 'cancelled'), results)
}

/** Tells the owner's live streams (the panel's bulk progress bar) how far the job is (services/live-events). */
function progress(deps: Deps, m: ScheduledRow, r: Results): void {
  const event = { type: 'job.progress', instance: m.instance_name, jobId: m.id, status: 'processing', sent: r.sent, failed: r.failed, total: r.total } as const
  publishLive(deps.redis, liveChannel(deps.config.DATABASE_URL), event, m.user_id)
}

/** History's message_text of one recipient's send: the same body the sender builds (issue 28). */
function scheduledText(m: ScheduledRow, phone: string): string | null {
  const req = sendRequest(m.message_type, contentFor(m, phone), phone)
  return 'error' in req ? null : messageTextFor(req.path, req.body)
}

/** One recipient's content: its `{{ key }}` placeholders filled from its stored variables (docs/templates.md). */
function contentFor(m: ScheduledRow, phone: string): string {
  const vars = m.recipient_variables
  if (!vars || !Object.hasOwn(vars, phone)) return m.message_content
  return fillContent(m.message_type, m.message_content, vars[phone] ?? {})
}

type Settled = { status: string; error: string | null } | 'resend' | 'resend-orphan'

/**
 * What to do with a recipient that already has a log row: count it ('previous'), send it again on its
 * own claim (an orphan the upstream never sent), or claim and send it anew (an unconfirmed row the
 * operator asked to resend).
 */
async function settlePrior(deps: Deps, m: ScheduledRow, phone: string, prior: PriorLog): Promise<Settled> {
  if (prior.status === 'unconfirmed' && m.resend_requested_at && m.resend_requested_at > prior.created_at) {
    // Asked to resend: not if the upstream has it after all (its record may have come late).
    const verdict = await askUpstream(deps.upstream, m.instance_name, m.message_type, contentFor(m, phone), phone, prior.created_at)
    if (verdict.kind === 'sent' && (await confirmUnconfirmed(deps.sql, prior.id, verdict.waMessageId))) return { status: 'sent', error: null }
    return 'resend'
  }
  if (prior.status !== 'sending') return { status: prior.status, error: prior.error_message }
  const verdict = await askUpstream(deps.upstream, m.instance_name, m.message_type, contentFor(m, phone), phone, prior.created_at)
  deps.log.warn({ scheduled: m.id, log: prior.id, verdict: verdict.kind }, 'scheduled recipient left sending by a stopped worker; asked the upstream')
  if (verdict.kind === 'absent') return 'resend-orphan'
  const sent = verdict.kind === 'sent'
  if (!(await settleOrphan(deps.sql, prior.id, sent ? { sent, waMessageId: verdict.waMessageId } : { sent }))) {
    const again = await priorLog(deps.sql, m.id, phone)
    return { status: again?.status ?? 'sending', error: again?.error_message ?? null }
  }
  return sent ? { status: 'sent', error: null } : { status: 'unconfirmed', error: null }
}

/** One worker run: claim and process due messages until none is left. Safe to run on every replica. */
export async function runScheduledMessages(deps: Deps, pacer: SendPacer = budgetedPacer(deps), opts: RunOptions = {}): Promise<Record<string, unknown>> {
  const { sql, config, log } = deps
  const owner = `${hostname()}:${process.pid}:${randomBytes(3).toString('hex')}`
  const active = new Map<number, Promise<void>>()
  const busy = new Set<string>()
  const totals: RunTotals = { messages: 0, sent: 0, failed: 0 }
  for (;;) {
    while (!stopping && active.size < config.SCHEDULED_CONCURRENCY) {
      const m = await claimDue(sql, owner, config.SCHEDULED_LEASE_SECONDS, [...busy])
      if (!m) break
      totals.messages++
      busy.add(m.instance_name)
      const p = processMessage(deps, pacer, m, owner, totals, opts)
        .catch((err: Error) => log.error({ scheduled: m.id, err: err.message }, 'scheduled message failed'))
        .finally(() => {
          active.delete(m.id)
          busy.delete(m.instance_name)
        })
      active.set(m.id, p)
    }
    if (active.size === 0) break
    // Wake when a message finishes, or every second to pick up newly due ones (bulk sends).
    await Promise.race([...active.values(), sleep(1000)])
  }
  const purged = stopping ? 0 : await purgeOld(sql)
  return { ...totals, purged }
}

export function scheduledMessagesJob(deps: Deps): Job {
  hookSignals()
  const pacer = budgetedPacer(deps)
  return { name: SCHEDULED_JOB, schedule: deps.config.SCHEDULED_CRON, run: () => runScheduledMessages(deps, pacer) }
}

/** Starts a run at once in the background (a bulk send should not wait for the next tick). */
export function nudgeScheduled(deps: Deps): void {
  if (!deps.config.WORKERS_ENABLED) return
  void deps.scheduler.nudge(SCHEDULED_JOB).catch((err: Error) => deps.log.warn({ err: err.message }, 'scheduled nudge failed'))
}

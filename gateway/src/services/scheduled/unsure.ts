/**
 * @module services/scheduled/unsure
 * A scheduled/bulk send whose failure says nothing about its outcome (a 504: the replica holding it died,
 * or a proxy gave up while it ran; a timeout or a connection cut on our side) may have gone out. Retrying
 * it could deliver it twice; calling it failed could be a lie. So its 'sending' row keeps the claim, and
 * once the message's other recipients are done the worker settles it here: it waits until the send
 * cannot still be running (SETTLED_AFTER_MS from its claim, and a moment after the answer), then asks the
 * upstream (confirm.ts). The upstream has it: sent, with its WhatsApp id. It has none: sent now, once, on
 * the same claim. It cannot tell: unconfirmed (the operator may resend it). A worker stopped while waiting
 * leaves the row 'sending': the next run's takeover asks the same question. The takeover of a worker
 * that died moments ago (its orphan row is younger than SETTLED_AFTER_MS) defers that row here too.
 */
import type { Queryable } from '../../db/client.js'
import { recordSend, settleOrphan } from '../../db/queries/scheduled-worker.js'
import type { UpstreamClient } from '../upstream-client/upstream-client.js'
import { askUpstream, SETTLED_AFTER_MS } from './confirm.js'
import type { Outcome } from './results.js'
import type { SendResult } from './sender.js'

/** One recipient whose send came back unknown. */
export type Unsure = { phone: string; logId: number; claimedAt: Date; answeredAt: number }

export type UnsureContext = {
  sql: Queryable
  upstream: Pick<UpstreamClient, 'request'>
  instance: string
  type: string
  /** The recipient's content (placeholders filled), as sent. */
  contentFor: (phone: string) => string
  /** The one send of an absent message (same pacing and retries as the first). */
  send: (phone: string) => Promise<SendResult>
  shouldStop: () => boolean
  sleep: (ms: number) => Promise<void>
  settledAfterMs?: number
}

/** After the answer, the upstream's record of a send that did go out may still be on its way. */
const AFTER_ANSWER_MS = 2000

const WHY_UNKNOWN =
  'unconfirmed: the send was cut (its worker stopped, or a timeout, a lost connection or a 504) and the upstream could not tell whether it left; not resent (resend it with "resend unconfirmed")'

/** Settles one unsure recipient; null when the worker is stopping (the row stays 'sending'). */
export async function settleUnsure(ctx: UnsureContext, u: Unsure): Promise<Outcome | null> {
  const settledAfterMs = ctx.settledAfterMs ?? SETTLED_AFTER_MS
  const readyAt = Math.max(u.claimedAt.getTime() + settledAfterMs, u.answeredAt + Math.min(AFTER_ANSWER_MS, settledAfterMs))
  while (Date.now() < readyAt) {
    if (ctx.shouldStop()) return null
    await ctx.sleep(Math.min(1000, readyAt - Date.now()))
  }
  if (ctx.shouldStop()) return null
  const content = ctx.contentFor(u.phone)
  const verdict = await askUpstream(ctx.upstream, ctx.instance, ctx.type, content, u.phone, u.claimedAt, Date.now(), settledAfterMs)
  if (verdict.kind === 'sent') {
    await settleOrphan(ctx.sql, u.logId, { sent: true, waMessageId: verdict.waMessageId })
    return { kind: 'sent' }
  }
  if (verdict.kind === 'unknown') {
    await settleOrphan(ctx.sql, u.logId, { sent: false, why: WHY_UNKNOWN })
    return { kind: 'unconfirmed', number: u.phone }
  }
  // Absent after the send had time to finish: it never left. Send it now, on the same claim.
  const r = await ctx.send(u.phone)
  if (r.unknown) {
    await settleOrphan(ctx.sql, u.logId, { sent: false, why: WHY_UNKNOWN })
    return { kind: 'unconfirmed', number: u.phone }
  }
  await recordSend(ctx.sql, u.logId, r)
  return r.ok ? { kind: 'sent' } : { kind: 'failed', number: u.phone, error: r.error ?? 'failed' }
}

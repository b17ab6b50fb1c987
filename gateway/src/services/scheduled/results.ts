/**
 * @module services/scheduled/results
 * The `results` of a scheduled message ({total, sent, failed, unconfirmed, skipped, errors[]}) and its
 * final status, from what happened to each recipient, counting recipients handled by an earlier (crashed)
 * run too. `unconfirmed` (issue 31): a send whose outcome nobody knows (its worker died mid-send and the
 * upstream could not tell, or another worker holds it in flight) is never counted as sent.
 */
export type Outcome =
  /** Sent in this run. */
  | { kind: 'sent' }
  | { kind: 'failed'; number: string; error: string }
  /** Handled before (an earlier run, or another worker): counted by its recorded status, and as skipped. */
  | { kind: 'previous'; number: string; status: string; error: string | null }
  /** The same number twice in the list: sent once, the repeat skipped. */
  | { kind: 'duplicate' }
  /** Sent in this run with an outcome nobody could establish (services/scheduled/unsure.ts). */
  | { kind: 'unconfirmed'; number: string }

export type Results = { total: number; sent: number; failed: number; unconfirmed: number; skipped: number; errors: string[] }

const SENT = new Set(['sent', 'delivered', 'read'])
const UNKNOWN = new Set(['unconfirmed', 'sending'])

export function summarize(total: number, outcomes: readonly Outcome[]): Results {
  const r: Results = { total, sent: 0, failed: 0, unconfirmed: 0, skipped: 0, errors: [] }
  for (const o of outcomes) {
    if (o.kind === 'sent') r.sent++
    else if (o.kind === 'failed') {
      r.failed++
      r.errors.push(`${o.number}: ${o.error}`)
    } else if (o.kind === 'duplicate') r.skipped++
    else if (o.kind === 'unconfirmed') {
      r.unconfirmed++
      r.errors.push(`${o.number}: unconfirmed`)
    } else {
      r.skipped++
      if (SENT.has(o.status)) r.sent++
      else if (UNKNOWN.has(o.status)) {
        r.unconfirmed++
        r.errors.push(`${o.number}: unconfirmed`)
      } else {
        r.failed++
        r.errors.push(`${o.number}: ${o.error ?? o.status}`)
      }
    }
  }
  return r
}

/** cancelled wins; failed when nothing was sent and something failed; otherwise completed. */
export function finalStatus(r: Results, cancelled: boolean): 'completed' | 'failed' | 'cancelled' {
  if (cancelled) return 'cancelled'
  return r.sent === 0 && r.failed > 0 ? 'failed' : 'completed'
}

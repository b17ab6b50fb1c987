/**
 * @module services/send-gate
 * The one place a send (POST /message/*, routes/proxy/message.ts) asks "may this go to WhatsApp now, and
 * how?" before the hop. Each concern registers a check here instead of editing the send path:
 *   - a check throws an ApiError to refuse the send (a paused instance, a budget spent: 429 + Retry-After);
 *   - or answers in the upstream's stead (a queued send: 202 `{id, status:"queued"}`), and the hop is
 *     skipped; the send path still logs and answers as for any send;
 *   - or returns undefined: the next check runs, then the hop.
 * Checks run in registration order. A check must be cheap on the hot path (an in-memory read; no
 * PostgreSQL query, D12 docs/decisions.md#d12): keep state in memory or fold it into one Redis call.
 */
import type { IncomingHttpHeaders } from 'node:http'
import type { ProxyResponse } from '../upstream-proxy/upstream-proxy.js'

/** The caller, as the session gate admitted it (structurally env.ts's AuthUser; not imported: env.ts imports deps.ts). */
export type SendUser = { id: number; username: string; role: 'admin' | 'user' }

export type SendRequest = {
  user: SendUser
  /** The instance name the send names. */
  instance: string
  /** The send route's action (`sendText`, `sendMedia`, ...). */
  action: string
  /** The parsed body (JSON object or a form's text fields); null when it is neither. */
  body: Record<string, unknown> | null
  raw: Buffer
  contentType: string
  headers: IncomingHttpHeaders
  requestId: string
}

export type SendCheck = {
  name: string
  check(req: SendRequest): ProxyResponse | undefined | Promise<ProxyResponse | undefined>
}

export class SendGate {
  private readonly checks: SendCheck[] = []

  add(check: SendCheck): void {
    this.checks.push(check)
  }

  /** Undefined: send it now. A response: answered without the hop. Throws: refused. */
  async admit(req: SendRequest): Promise<ProxyResponse | undefined> {
    for (const c of this.checks) {
      const r = c.check(req)
      const answer = r instanceof Promise ? await r : r
      if (answer) return answer
    }
    return undefined
  }

  get size(): number {
    return this.checks.length
  }
}

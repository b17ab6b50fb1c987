/**
 * @module services/send-budget/gate
 * The send-gate check for budgets (services/send-gate): a synchronous send over its instance's budget
 * is refused with 429, a Retry-After header and the reason in words; nothing is sent or counted. One
 * Redis round trip per budgeted send, none for an instance without budgets (0 = unlimited, Cloud API).
 * Queued sends are answered by the queue check before this one and wait for budget in the worker.
 */
import type { Deps } from '../../deps.js'
import { ApiError } from '../../errors/api-error.js'
import { recipientFor } from '../message-log/message-type.js'
import type { SendCheck } from '../send-gate/send-gate.js'
import { sendControls } from './controls.js'

export function budgetCheck(deps: Pick<Deps, 'config' | 'sql' | 'redis' | 'log'>): SendCheck {
  const controls = sendControls(deps)
  return {
    name: 'send-budget',
    async check(req) {
      const d = await controls.take(req.instance, req.body ? recipientFor(req.action, req.body) : '')
      if (d.ok) return undefined
      const after = String(d.retryAfterSeconds)
      throw new ApiError(429, d.reason, { reason: d.reason, retry_after: d.retryAfterSeconds }, { 'Retry-After': after })
    },
  }
}

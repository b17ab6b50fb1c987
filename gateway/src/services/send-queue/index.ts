/**
 * @module services/send-queue
 * Queued sends and pacing budgets (docs/delivery-guarantees.md#queued-sends-and-budgets): registers the
 * two send-gate checks, in this order: the queue (answers 202 and stores the send: its worker waits for
 * budget) then the budget (a synchronous send over it gets 429). The worker is started by
 * workers/index.ts when WORKERS_ENABLED.
 */
import type { Deps } from '../../deps.js'
import { budgetCheck } from '../send-budget/gate.js'
import { sendControls } from '../send-budget/controls.js'
import { queueCheck } from './gate.js'

export { startSendQueueWorker } from './worker.js'

export function registerSendQueue(deps: Deps): void {
  deps.sendGate.add(queueCheck(deps))
  deps.sendGate.add(budgetCheck(deps))
  deps.stopOnClose.push(() => sendControls(deps).stop())
}

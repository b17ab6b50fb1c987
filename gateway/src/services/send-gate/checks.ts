/**
 * @module services/send-gate/checks
 * The send checks of this gateway, registered once per Deps by createApp (app.ts): only a process that
 * serves requests runs them and their refreshers (the cluster primary and the docs scripts build Deps
 * too, and must not start timers or Redis subscribers). Order matters:
 *   1. ban-signal pauses (services/send-pauses): a paused instance refuses before anything is queued or counted;
 *   2. queued sends (services/send-queue): answered 202, the worker waits for the budget;
 *   3. budgets (services/send-budget): a synchronous send over budget gets 429.
 * Not in deps.ts: those services take Deps, and deps.ts importing them would close a cycle.
 */
import type { Deps } from '../../deps.js'
import { registerSendPauses } from '../send-pauses/index.js'
import { registerSendQueue } from '../send-queue/index.js'

const registered = new WeakSet<Deps>()

export function registerSendChecks(deps: Deps): void {
  if (registered.has(deps)) return
  registered.add(deps)
  registerSendPauses(deps)
  registerSendQueue(deps)
}

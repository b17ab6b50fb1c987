/**
 * @module scripts/lib/keep-alive
 * `npm start` keeps a service running: when the gateway or the upstream exits on its own (its cluster
 * primary died, or it failed to come back), the launcher starts it again on the same port, at once after
 * a stable run and with the shared crash-loop backoff otherwise (common/src/cluster/restart-policy.ts),
 * instead of stopping the whole stack. Ctrl-C / SIGTERM still stop everything: the loop ends as soon as
 * `stopped()` says so, and a restart asked for while stopping is refused by the stack.
 */
import { setTimeout as delay } from 'node:timers/promises'
import { RestartPolicy, type RestartRule } from '../../common/src/cluster/restart-policy.js'
import { errorMessage } from './log.js'

export type KeepAliveOptions = {
  name: string
  /** The exit of the process running now (re-read after every restart). */
  exited: () => Promise<number>
  /** Starts a new one and resolves once it is ready; throws when it is not. */
  restart: () => Promise<void>
  /** True once the launcher is stopping: nothing more is started. */
  stopped: () => boolean
  say: (message: string) => void
  rule?: RestartRule
  /** Injected by tests; default real timers. */
  sleep?: (ms: number) => Promise<void>
  now?: () => number
}

/** Runs until `stopped()`; never rejects. */
export async function keepAlive(o: KeepAliveOptions): Promise<void> {
  const policy = new RestartPolicy(o.rule)
  // Referenced: while both services are down, this timer is what keeps the launcher alive.
  const sleep = o.sleep ?? ((ms: number) => delay(ms))
  const now = o.now ?? Date.now
  let bornAt = now()
  let why = `exited unexpectedly (code ${await o.exited()})`
  while (!o.stopped()) {
    const wait = policy.next(now() - bornAt)
    o.say(`${o.name} ${why}; restarting${wait ? ` in ${wait} ms` : ''}`)
    await sleep(wait)
    if (o.stopped()) return
    bornAt = now()
    try {
      await o.restart()
    } catch (err) {
      if (o.stopped()) return
      why = `did not come back (${errorMessage(err).split('\n')[0]})`
      continue
    }
    o.say(`${o.name} restarted`)
    why = `exited unexpectedly (code ${await o.exited()})`
  }
}

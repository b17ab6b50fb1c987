/**
 * @module cluster/worker-restart
 * The worker's half of crash supervision: the primary has no Redis or webhook client, so the worker
 * that replaced a crashed one writes the error line and sends the operator alert (through deps.alerts,
 * with its cooldown shared across replicas) as soon as it listens.
 */
import type { Logger } from 'pino'
import type { AlertService } from '../services/alerts/alerts.js'
import { describeDeath, onRestartNotice, type RestartNotice } from '../../../common/src/cluster/supervisor.js'

/** The alert's subject: one cooldown for every gateway worker restart. */
export const WORKER_ALERT_SERVICE = 'gateway worker'

/** The alert details: which worker died, how, and what replaced it. */
export function restartDetails(n: RestartNotice, pid: number): string {
  const loop = n.consecutive > 1 ? `, ${n.consecutive} early deaths in a row` : ''
  return `worker ${n.slot} (pid ${n.previousPid ?? '?'}) died (${describeDeath(n)}${loop}); restarted as pid ${pid}`
}

export function reportRestarts(deps: { log: Logger; alerts: Pick<AlertService, 'notify'> }): void {
  onRestartNotice((n) => {
    const details = restartDetails(n, process.pid)
    deps.log.error({ slot: n.slot, previousPid: n.previousPid, code: n.code, signal: n.signal, consecutive: n.consecutive }, `gateway ${details}`)
    void deps.alerts.notify({ kind: 'service_down', service: WORKER_ALERT_SERVICE, details })
  })
}

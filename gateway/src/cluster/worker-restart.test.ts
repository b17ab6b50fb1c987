/** @module cluster/worker-restart tests: the replacement worker's log line and alert say which worker died and how. */
import { pino } from 'pino'
import { describe, expect, it } from 'vitest'
import { RESTART_NOTICE, type RestartNotice } from '../../../common/src/cluster/supervisor.js'
import type { AlertEvent } from '../services/alerts/payload.js'
import { reportRestarts, restartDetails } from './worker-restart.js'

const notice: RestartNotice = { type: RESTART_NOTICE, slot: 2, previousPid: 4242, code: null, signal: 'SIGKILL', consecutive: 1 }

describe('worker restart report', () => {
  it('describes the dead worker, how it ended and its replacement; a crash loop says so', () => {
    expect(restartDetails(notice, 77)).toBe('worker 2 (pid 4242) died (signal SIGKILL); restarted as pid 77')
    expect(restartDetails({ ...notice, code: 1, signal: null, consecutive: 3 }, 77)).toBe(
      'worker 2 (pid 4242) died (exit code 1, 3 early deaths in a row); restarted as pid 77',
    )
  })

  it('alerts through deps.alerts when the primary sends the notice, and ignores other messages', async () => {
    const sent: AlertEvent[] = []
    reportRestarts({ log: pino({ level: 'silent' }), alerts: { notify: async (e) => (sent.push(e), 'sent') } })
    process.emit('message', { type: 'taguato:metrics-response', id: 1 }, undefined)
    process.emit('message', notice, undefined)
    expect(sent).toEqual([{ kind: 'service_down', service: 'gateway worker', details: `worker 2 (pid 4242) died (signal SIGKILL); restarted as pid ${process.pid}` }])
  })
})

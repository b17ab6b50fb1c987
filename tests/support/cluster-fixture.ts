/**
 * @module tests/support/cluster-fixture
 * A tiny clustered service for supervisor.test.ts (run as its own process: the test kills its workers).
 * Workers answer `GET /` with their pid and print the restart notice they get as a JSON line.
 * FIXTURE_WORKERS, FIXTURE_PORT; FIXTURE_FAIL_START=1 makes every worker exit 3 before listening.
 */
import cluster from 'node:cluster'
import http from 'node:http'
import { onRestartNotice, superviseWorkers } from '../../common/src/cluster/supervisor.js'

const line = (o: object) => process.stdout.write(`${JSON.stringify(o)}\n`)
const log = { info: (o: object, msg: string) => line({ ...o, msg }), warn: (o: object, msg: string) => line({ ...o, msg }), error: (o: object, msg: string) => line({ ...o, msg }) }

if (cluster.isPrimary) {
  superviseWorkers({
    service: 'fixture',
    workers: Number(process.env.FIXTURE_WORKERS ?? 1),
    log,
    rule: { backoff: { initialDelayMs: 50, maxDelayMs: 200 }, stableMs: 60_000 },
    stopGraceMs: 3000,
  })
} else if (process.env.FIXTURE_FAIL_START === '1') {
  process.exit(3)
} else {
  onRestartNotice((n) => line({ msg: 'notice', pid: process.pid, notice: n }))
  const server = http.createServer((_req, res) => res.end(String(process.pid)))
  server.listen(Number(process.env.FIXTURE_PORT), '127.0.0.1')
  process.on('SIGTERM', () => server.close(() => process.exit(0)))
}

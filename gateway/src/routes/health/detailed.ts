/**
 * @module routes/health/detailed
 * GET /health/detailed (D15, docs/decisions.md#d15, admin): each dependency with its latency, the circuit breaker, every
 * job's last run (duration, outcome), and the process (uptime, memory, versions).
 */
import type { Deps } from '../../deps.js'
import { register, type Router } from '../../lib/route.js'
import { breakerView } from '../../services/status/breaker-view.js'
import { probeDb, probeRedis, probeUpstream, type ProbeResult } from '../../services/status/probes.js'
import { lastJobRuns } from '../../db/queries/job-runs.js'

const view = (p: ProbeResult) => ({ status: p.status === 'operational' ? 'up' : 'down', latency_ms: p.response_time, error: p.error })

export function healthDetailedRoute(r: Router, deps: Deps): void {
  register(r, { method: 'GET', path: '/health/detailed', access: 'admin', summary: 'Dependencies with latency, breaker, workers, process', tags: ['health', 'admin'], response: { status: 200, description: '{status, dependencies, breaker, workers, process}' } }, async (c) => {
    const [db, redis, upstream] = await Promise.all([probeDb(deps, 3000), probeRedis(deps, 3000), probeUpstream(deps, 3000)])
    const runs = await lastJobRuns(deps.sql).catch(() => [])
    const byJob = new Map(runs.map((r) => [r.job, r]))
    const workers = deps.scheduler.list().map((j) => {
      const run = byJob.get(j.name)
      return {
        name: j.name,
        schedule: j.schedule,
        last_run: run ? { started_at: run.started_at, finished_at: run.finished_at, duration_ms: run.duration_ms, outcome: run.outcome, error: run.error, summary: run.summary } : null,
      }
    })
    const breaker = breakerView(deps)
    const down = [db, redis, upstream].filter((p) => p.status !== 'operational').length
    const status = db.status !== 'operational' ? 'down' : down > 0 || breaker.state !== 'closed' ? 'degraded' : 'ok'
    const mem = process.memoryUsage()
    const mb = (n: number) => Math.round((n / 1048576) * 10) / 10
    return c.json({
      status,
      checked_at: new Date(),
      dependencies: { database: view(db), redis: view(redis), upstream: view(upstream) },
      breaker,
      workers,
      workers_enabled: deps.config.WORKERS_ENABLED,
      process: {
        pid: process.pid,
        uptime_seconds: Math.round(process.uptime()),
        node: process.version,
        memory_mb: { rss: mb(mem.rss), heap_used: mb(mem.heapUsed), heap_total: mb(mem.heapTotal), external: mb(mem.external) },
      },
    })
  })
}

/**
 * @module routes/workers
 * GET /admin/workers (every job: schedule and last run) and POST /admin/workers/{name}/run (runs it now
 * through the scheduler, which still guarantees one run at a time across replicas). Admin only.
 */
import type { Deps } from '../../deps.js'
import { ApiError } from '../../errors/api-error.js'
import { register, type Router } from '../../lib/route.js'
import { lastJobRuns } from '../../db/queries/job-runs.js'

const tags = ['admin', 'workers']

export function workerRoutes(r: Router, deps: Deps): void {
  register(r, { method: 'GET', path: '/admin/workers', access: 'admin', summary: 'Background jobs with their schedule and last run', tags, response: { status: 200, description: '{workers:[{name, schedule, last_run}]}' } }, async (c) => {
    const runs = new Map((await lastJobRuns(deps.sql)).map((run) => [run.job, run]))
    const workers = deps.scheduler.list().map((j) => ({ name: j.name, schedule: j.schedule, last_run: runs.get(j.name) ?? null }))
    return c.json({ workers, enabled: deps.config.WORKERS_ENABLED })
  })

  register(r, { method: 'POST', path: '/admin/workers/:name/run', access: 'admin', summary: 'Run a background job now and return its run record', tags, response: { status: 200, description: '{run}' } }, async (c) => {
    const name = c.req.param('name') ?? ''
    if (!deps.scheduler.list().some((j) => j.name === name)) throw new ApiError(404, 'Worker not found')
    const user = c.get('user')
    const run = await deps.scheduler.runNow(name)
    if (!run) throw new ApiError(409, 'Worker run could not be claimed, retry')
    await deps.audit.record({ userId: user.id, username: user.username, action: 'worker_run', resourceType: 'worker', resourceId: name, details: { outcome: run.outcome }, ip: c.get('clientIp') })
    return c.json({ run })
  })
}

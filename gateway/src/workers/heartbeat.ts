/**
 * @module workers/heartbeat
 * Optional liveness job (HEARTBEAT_CRON, off when empty): proves the scheduler ticks and that each tick
 * runs once across every replica and cluster worker (D12, docs/decisions.md#d12). It counts its own executions per tick in
 * Redis; `executions` > 1 in a job_runs summary would mean two processes ran the same tick.
 */
import type { Deps } from '../deps.js'
import type { Job } from './scheduler.js'

export function heartbeatJob(deps: Deps): Job {
  return {
    name: 'heartbeat',
    schedule: deps.config.HEARTBEAT_CRON,
    async run({ tick }) {
      const key = `taguato:heartbeat:${tick.getTime()}`
      const executions = await deps.redis.incr(key)
      await deps.redis.expire(key, 600)
      return { executions, pid: process.pid }
    },
  }
}

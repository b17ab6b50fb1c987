/**
 * @module services/metrics/index
 * Builds the process's Metrics with the gauges that read shared state on scrape, and joins the
 * cluster aggregation when this process is a worker.
 */
import type { Config } from '../../config.js'
import type { Db } from '../../db/client.js'
import { countUnsentScheduled } from '../../db/queries/scheduled.js'
import { joinClusterMetrics } from './cluster.js'
import { Metrics } from './metrics.js'

export { Metrics, type BreakerStateName } from './metrics.js'

export function createMetrics(config: Config, sql: Db): Metrics {
  // Process metrics only when someone can scrape them: their event-loop monitor is not free.
  const m = new Metrics({ defaultMetrics: config.METRICS_TOKEN !== '' })
  m.gaugeOnScrape('taguato_scheduled_messages_pending', 'Scheduled messages waiting to be sent (pending or processing)', () => countUnsentScheduled(sql))
  joinClusterMetrics(m.registry)
  return m
}

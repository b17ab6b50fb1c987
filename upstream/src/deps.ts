/**
 * @module upstream/deps
 * Builds everything the app needs once (pool, logger, driver, webhooks, instances, faults) and tears
 * it down in the right order. Tests build their own with a throwaway database.
 */
import pino, { type Logger } from 'pino'
import { loggerOptions, withRedaction } from '../../common/src/logging/log-schema.js'
import type { UpstreamConfig } from './config.js'
import { createSql, migrateUpstream, stopSqlCircuit, type Sql } from './db/client.js'
import { proxyOf } from './db/proxies.js'
import { createDrivers, type DriverContext, type Drivers } from './driver/index.js'
import type { CloudApiDriver } from './driver/cloud/index.js'
import type { WhatsAppDriver } from './driver/types.js'
import { FaultStore } from './faults/store.js'
import { InstanceManager } from './services/instances.js'
import { Placement } from './services/placement/coordinator.js'
import { advertiseUrl, nodeIdOf } from './services/placement/identity.js'
import { MediaDownloader } from './services/media-download.js'
import { createUpstreamOutbound, type OutboundClient } from './services/outbound.js'
import { RetentionJob } from './services/retention.js'
import { WebhookDispatcher } from './webhooks/dispatcher.js'

export type UpstreamDeps = {
  config: UpstreamConfig
  sql: Sql
  log: Logger
  driver: WhatsAppDriver
  /** Null on the sandbox; POST /webhook/meta feeds it Meta's events. */
  cloud: CloudApiDriver | null
  webhooks: WebhookDispatcher
  instances: InstanceManager
  faults: FaultStore
  /** The outbound-request guard's client: every request to a caller-supplied URL goes through it. */
  outbound: OutboundClient
  media: MediaDownloader
  /** MESSAGE_RETENTION_DAYS' cleanup timer (armed by startDeps when the setting is not 0). */
  retention: RetentionJob
  /** Which replica runs which instance (leases, handovers, routing between replicas). */
  placement: Placement
}

export type DepsInjection = {
  sql?: Sql
  log?: Logger
  /** Replaces the drivers chosen from config (tests: the Baileys driver on a scripted socket). */
  drivers?: (ctx: DriverContext) => Drivers
}

/** Builds the deps; `sql`/`log`/`drivers` may be injected. Nothing is migrated or resumed yet. */
export function buildDeps(config: UpstreamConfig, inject: DepsInjection = {}): UpstreamDeps {
  const log = inject.log ?? pino(withRedaction(loggerOptions('upstream', config.LOG_LEVEL)))
  const sql = inject.sql ?? createSql(config.DATABASE_URL, config.DATABASE_POOL_MAX, {
    connectTimeoutMs: config.DATABASE_CONNECT_TIMEOUT_MS,
    onCircuit: (open, cause) =>
      open ? log.error({ cause }, 'database unavailable: failing queries fast until it answers') : log.info('database reachable again'),
  })
  const ctx: DriverContext = { sql, log: log.child({ component: 'driver' }) }
  const faults = new FaultStore()
  const { driver, cloud } = inject.drivers ? inject.drivers(ctx) : createDrivers(config, ctx, () => faults.acksHeld())
  const outbound = createUpstreamOutbound(config)
  const media = new MediaDownloader(outbound, { maxBytes: config.MEDIA_MAX_BYTES, timeoutMs: config.MEDIA_FETCH_TIMEOUT_MS }, (id) => proxyOf(sql, id))
  const webhooks = new WebhookDispatcher(
    sql,
    outbound,
    {
      serverUrl: config.UPSTREAM_SERVER_URL,
      globalUrl: config.WEBHOOK_GLOBAL_URL,
      globalByEvents: config.WEBHOOK_GLOBAL_WEBHOOK_BY_EVENTS,
      maxAttempts: config.WEBHOOK_RETRY_MAX_ATTEMPTS,
      initialDelayMs: config.WEBHOOK_RETRY_INITIAL_DELAY_MS,
      maxDelayMs: config.WEBHOOK_RETRY_MAX_DELAY_MS,
      timeoutMs: config.WEBHOOK_TIMEOUT_MS,
      receiverKey: config.AUTHENTICATION_API_KEY,
    },
    log.child({ component: 'webhooks' }),
  )
  const instances = new InstanceManager(sql, driver, webhooks, log.child({ component: 'instances' }))
  const retention = new RetentionJob(sql, { days: config.MESSAGE_RETENTION_DAYS }, log.child({ component: 'retention' }))
  const placement = new Placement(sql, instances, log.child({ component: 'placement' }), {
    nodeId: nodeIdOf(config),
    url: advertiseUrl(config),
    leaseTtlMs: config.LEASE_TTL_MS,
    intervalMs: config.PLACEMENT_INTERVAL_MS,
    handoverWaitMs: config.HANDOVER_WAIT_MS,
  })
  instances.setOwnership({ holds: (id) => placement.holdsLease(id), adopt: (row) => placement.adopt(row) })
  return { config, sql, log, driver, cloud, webhooks, instances, faults, outbound, media, retention, placement }
}

/**
 * Migrates schema `upstream`, joins placement (which takes this replica's share of the instances and
 * reconnects those that were open or connecting), arms the retention job.
 */
export async function startDeps(deps: UpstreamDeps): Promise<void> {
  const applied = await migrateUpstream(deps.sql)
  if (applied.length > 0) deps.log.info({ applied }, 'migrations applied')
  await deps.placement.start()
  deps.log.info({ node: deps.placement.nodeId, url: deps.placement.opts.url, instances: deps.placement.leases.size, driver: deps.driver.name }, 'placement joined')
  deps.retention.start()
}

/** Stops the retention job and sessions, releases hung requests, cancels webhook retries, then (unless shared) ends the pool. */
export async function closeDeps(deps: UpstreamDeps, opts: { endSql?: boolean; leave?: boolean } = {}): Promise<void> {
  await deps.retention.stop()
  deps.faults.releaseHung()
  await deps.placement.stop({ forget: opts.leave === true })
  await deps.instances.close()
  await deps.webhooks.close()
  await deps.outbound.close()
  if (opts.endSql !== false) {
    stopSqlCircuit(deps.sql)
    await deps.sql.end({ timeout: 5 })
  }
}

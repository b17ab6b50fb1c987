/**
 * @module upstream/env
 * The Hono Env of the upstream app: per-request variables set by middleware.
 */
import type { Logger } from 'pino'
import type { InstanceRow } from './db/instances.js'

export type UpstreamEnv = {
  Variables: {
    requestId: string
    logger: Logger
    /** Set by the instance guard on every `/:resource/:action/:instanceName` route. */
    instance: InstanceRow
  }
}

/**
 * @module routes
 * Mounts every route family. Native families first; the upstream proxy catch-all (when present) last,
 * because it answers every path no native route claimed.
 */
import type { Deps } from '../deps.js'
import type { Router } from '../lib/route.js'
import { healthRoutes } from './health/index.js'
import { metricsRoutes } from './metrics/index.js'
import { openApiRoutes } from './openapi/index.js'
import { accountRoutes } from './accounts.js'
import { panelRoutes } from './panel/index.js'
import { adminInstanceRoutes } from './admin-instances/index.js'
import { sendSettingsRoutes } from './send-settings/index.js'
import { proxyRoutes, type ProxyChecks } from './proxy/index.js'
import { userFeatureRoutes } from './user-features.js'
import { operationsRoutes } from './operations.js'
import { metaWebhookRoutes } from './meta-webhook/index.js'

export function registerAllRoutes(r: Router, deps: Deps, proxy?: ProxyChecks): void {
  panelRoutes(r, deps) // first: /admin/ and /admin/assets/* are static, the rest of /admin/* is the JSON API
  healthRoutes(r, deps)
  metricsRoutes(r, deps)
  openApiRoutes(r, deps)
  accountRoutes(r, deps) // /api/auth (accounts part), /admin/users, /api|admin/sessions, /admin/audit
  adminInstanceRoutes(r, deps) // /admin/instances and grants
  sendSettingsRoutes(r, deps) // /admin/instances/:name/send-settings (queued sends, budgets)
  userFeatureRoutes(r, deps) // templates, contacts, webhooks (+ /internal receivers), scheduled, history, dashboards
  operationsRoutes(r, deps) // status page + API, recovery, incidents, maintenance, backups, workers, /health/detailed
  metaWebhookRoutes(r, deps) // /webhook/meta: the one public path forwarded to the upstream (Meta's callbacks)
  proxyRoutes(r, deps, proxy) // last: the upstream catch-all (steps aside for /api, /admin, /health, /status, /panel)
}

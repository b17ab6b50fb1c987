/**
 * @module routes/operations
 * Mounts the operations families: /api/status and /status/ (public), password recovery (public),
 * /admin/incidents, /admin/maintenance, /admin/backup, /admin/workers, /admin/upstreams and /health/detailed (admin).
 */
import type { Deps } from '../deps.js'
import type { Router } from '../lib/route.js'
import { backupRoutes } from './backups/index.js'
import { healthDetailedRoute } from './health/detailed.js'
import { incidentRoutes } from './incidents/index.js'
import { maintenanceRoutes } from './maintenance/index.js'
import { recoveryRoutes } from './recovery/index.js'
import { statusRoutes } from './status/index.js'
import { upstreamRoutes } from './upstreams/index.js'
import { workerRoutes } from './workers/index.js'

export function operationsRoutes(r: Router, deps: Deps): void {
  statusRoutes(r, deps)
  recoveryRoutes(r, deps)
  healthDetailedRoute(r, deps)
  incidentRoutes(r, deps)
  maintenanceRoutes(r, deps)
  backupRoutes(r, deps)
  workerRoutes(r, deps)
  upstreamRoutes(r, deps)
}

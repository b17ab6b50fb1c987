/**
 * @module routes
 * Mounts every route family. Native families first; the upstream proxy catch-all (when present) last,
 * because it answers every path no native route claimed.
 */
import type { Deps } from '../deps.js'
import type { Router } from '../lib/route.js'
import { healthRoutes } from './health/index.js'

export function registerAllRoutes(r: Router, deps: Deps): void {
  healthRoutes(r, deps)
}

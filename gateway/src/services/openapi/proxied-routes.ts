/**
 * @module services/openapi/proxied-routes
 * The upstream (Evolution v2) routes the gateway's proxy serves, as the layers below routes/ need them:
 * the document (method, path pattern, admin only) and the metrics middleware (their first path
 * segments). The routes layer owns the table (routes/proxy/route-table.ts, D1 (docs/decisions.md#d1))
 * and hands it down: to `buildOpenApi` as an argument, and here, with `publishProxiedRoutes`, when it is
 * mounted, so nothing below routes/ imports it.
 */
import type { Method } from '../../lib/route.js'

export type ProxiedRoute = {
  method: Method
  /** Pattern, e.g. `/message/sendText/:instance`. */
  path: string
  /** Users may not call it even on their own instance (D3, docs/decisions.md#d3). */
  adminOnly?: boolean
}

let families: ReadonlySet<string> = new Set()

/** Called by the routes layer when it mounts the proxy table (the same table for every app of a process). */
export function publishProxiedRoutes(routes: readonly ProxiedRoute[]): void {
  families = new Set(routes.map((r) => r.path.split('/')[1] ?? ''))
}

/** First path segments of the published routes (`message`, `instance`, ...); empty until createApp mounted them. */
export function proxiedFamilies(): ReadonlySet<string> {
  return families
}

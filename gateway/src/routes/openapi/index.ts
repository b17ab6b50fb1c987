/**
 * @module routes/openapi
 * GET /api/openapi.json (public): the OpenAPI 3.1 document, generated on first request from every
 * route registered so far (registration is over by then) and cached as serialized JSON.
 * Mounting it also publishes the proxy's route table to services/openapi/proxied-routes, where the
 * document and the metrics middleware read it (both sit below routes/ and may not import it).
 */
import type { Deps } from '../../deps.js'
import { register, type Router } from '../../lib/route.js'
import { buildOpenApi } from '../../services/openapi/document.js'
import { publishProxiedRoutes } from '../../services/openapi/proxied-routes.js'
import { ROUTES } from '../proxy/route-table.js'

export function openApiRoutes(r: Router, _deps: Deps): void {
  publishProxiedRoutes(ROUTES)
  let cached: string | undefined
  register(
    r,
    {
      method: 'GET',
      path: '/api/openapi.json',
      access: 'public',
      summary: 'OpenAPI 3.1 description of the native and proxied routes',
      tags: ['meta'],
      response: { status: 200, description: 'OpenAPI 3.1 document' },
    },
    (c) => {
      cached ??= JSON.stringify(buildOpenApi(r.defs, ROUTES))
      return c.body(cached, 200, { 'Content-Type': 'application/json; charset=UTF-8', 'Cache-Control': 'public, max-age=300' })
    },
  )
}

/**
 * @module lib/route
 * How a native route is declared: method, path, who may call it, and its valibot schemas, in one
 * object. `register` mounts it with the right guard chain (session -> rate limit -> admin) and keeps
 * the definition in a registry, from which GET /api/openapi.json is generated.
 */
import type { Context, Hono, MiddlewareHandler } from 'hono'
import type * as v from 'valibot'
import type { AppEnv } from '../env.js'

export type Access =
  /** No token. */
  | 'public'
  /** Any live session; per-user rate limit applies. */
  | 'session'
  /** Session of an admin; rate limited first, then 403 for non-admins. */
  | 'admin'
  /** Session checked by the route itself with its own messages (/api/auth/*): no rate limit. */
  | 'inline'

export type Method = 'GET' | 'POST' | 'PUT' | 'DELETE' | 'PATCH'

export type RouteDef = {
  method: Method
  /** Hono path, e.g. /api/templates/:id */
  path: string
  access: Access
  summary: string
  tags?: string[]
  body?: v.GenericSchema
  /** A media type the route also reads as plain text instead of the JSON `body` (CSV import: text/csv). */
  textBody?: string
  query?: v.GenericSchema
  /** Documented success status and a short description of the response. */
  response?: { status: number; description: string; schema?: v.GenericSchema }
  /** Response content type when not JSON (CSV exports, HTML). */
  produces?: string
}

export type Guards = Record<Exclude<Access, 'public'>, MiddlewareHandler<AppEnv>[]>

export type Handler = (c: Context<AppEnv>) => Response | Promise<Response>

export type Router = {
  app: Hono<AppEnv>
  guards: Guards
  /** Every route registered through `register`, for the OpenAPI document and its completeness test. */
  defs: RouteDef[]
}

export function register(r: Router, def: RouteDef, handler: Handler): void {
  r.defs.push(def)
  const chain = def.access === 'public' ? [] : r.guards[def.access]
  r.app.on(def.method, [def.path], ...chain, handler)
}

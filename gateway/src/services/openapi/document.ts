/**
 * @module services/openapi/document
 * Builds the OpenAPI 3.1 document from the native route definitions (lib/route.ts registry, valibot
 * schemas converted by ./json-schema.ts) plus the upstream routes users may call through the proxy (its
 * D1 (docs/decisions.md#d1) route table, published by the routes layer in ./proxied-routes.ts), whose
 * bodies are the upstream's own schemas (./upstream-bodies.ts). Generated, never hand-written, so it
 * cannot drift from the routes.
 */
import type { JsonSchema } from '@valibot/to-json-schema'
import type * as v from 'valibot'
import type { Access, RouteDef } from '../../lib/route.js'
import { schemaOf } from './json-schema.js'
import type { ProxiedRoute } from './proxied-routes.js'
import { upstreamBody } from './upstream-bodies.js'
import { IDEMPOTENCY_PARAMETER, IDEMPOTENCY_RESPONSES, IDEMPOTENT_NATIVE_ROUTES, proxiedIsIdempotent } from '../idempotency/openapi.js'
import { proxiedIsQueueable, SEND_MODE_PARAMETER, SEND_MODE_RESPONSES } from '../send-queue/openapi.js'

type Json = Record<string, unknown>
type Operation = Json & { responses: Record<string, Json> }

const VERSION = '0.1.0'

/** Hono `/a/:id{[0-9]+}/b` -> OpenAPI `/a/{id}/b`; a trailing `*` becomes `{path}`. */
export function openApiPath(honoPath: string): { path: string; params: string[] } {
  const params: string[] = []
  const path = honoPath
    .replace(/:(\w+)(\{[^}]*\})?\??/g, (_m, name: string) => (params.push(name), `{${name}}`))
    .replace(/\/\*$/, () => (params.push('path'), '/{path}'))
  return { path, params }
}

/**
 * `get` + `/api/templates/{id}` -> `getApiTemplatesId`. Built from the OpenAPI path (not Hono's, whose
 * `{[0-9]+}` constraints would leak in), and a trailing slash counts: `/admin` and `/admin/` are two
 * operations and OpenAPI wants their ids unique.
 */
function operationId(prefix: string, path: string): string {
  const camel = path.replace(/[^A-Za-z0-9]+(.)?/g, (_m, ch: string | undefined) => (ch ?? '').toUpperCase())
  return `${prefix}${camel}${path.length > 1 && path.endsWith('/') ? 'Slash' : ''}`
}

const SECURITY: Record<Access, Json[]> = {
  public: [],
  session: [{ apikey: [] }],
  admin: [{ apikey: [] }],
  inline: [{ apikey: [] }],
}
const ACCESS_NOTE: Record<Access, string> = {
  public: 'Public.',
  session: 'Any live session (apikey header); per-user rate limit applies.',
  admin: 'Admin session only (apikey header); per-user rate limit applies.',
  inline: 'Session checked by the route itself (apikey header).',
}
/** Routes guarded by something other than the session token. */
const SPECIAL_SECURITY: Record<string, Json[]> = { '/metrics': [{ metricsToken: [] }, { metricsQueryToken: [] }] }

const err = (description: string): Json => ({ description, content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } })

function errorResponses(access: Access, hasInput: boolean): Record<string, Json> {
  const r: Record<string, Json> = {}
  if (hasInput) r['400'] = err('Invalid input')
  if (access !== 'public') r['401'] = err('Missing apikey header, or invalid or expired session token')
  if (access === 'session' || access === 'admin') r['403'] = err(access === 'admin' ? 'Account disabled, or not an admin' : 'Account is disabled')
  if (access === 'session' || access === 'admin') r['429'] = err('Rate limit exceeded ({error, limit, window}, Retry-After)')
  return r
}

function pathParams(names: string[]): Json[] {
  return names.map((name) => ({ name, in: 'path', required: true, schema: { type: 'string' } }))
}

function queryParams(schema: v.GenericSchema): Json[] {
  const js = schemaOf(schema) as { properties?: Record<string, JsonSchema>; required?: string[] }
  return Object.entries(js.properties ?? {}).map(([name, s]) => ({ name, in: 'query', required: js.required?.includes(name) ?? false, schema: s }))
}

function nativeOperation(d: RouteDef, path: string, params: string[]): Operation {
  const status = String(d.response?.status ?? 200)
  const contentType = d.produces ?? 'application/json'
  const ok: Json = { description: d.response?.description ?? 'Success' }
  if (d.response?.schema) ok.content = { [contentType]: { schema: schemaOf(d.response.schema) } }
  else if (d.produces) ok.content = { [contentType]: {} }
  const op: Operation = {
    summary: d.summary,
    description: ACCESS_NOTE[d.access],
    tags: d.tags?.length ? d.tags : [d.path.split('/')[1] || 'root'],
    operationId: operationId(d.method.toLowerCase(), path),
    security: SPECIAL_SECURITY[d.path] ?? SECURITY[d.access],
    'x-access': d.access,
    parameters: [...pathParams(params), ...(d.query ? queryParams(d.query) : [])],
    responses: { [status]: ok, ...errorResponses(d.access, !!(d.body || d.query)) },
  }
  if (d.body) {
    const content: Json = { 'application/json': { schema: schemaOf(d.body) } }
    if (d.textBody) content[d.textBody] = { schema: { type: 'string' } }
    op.requestBody = { required: true, content }
  }
  if (IDEMPOTENT_NATIVE_ROUTES.has(`${d.method} ${d.path}`)) withIdempotencyKey(op)
  return op
}

/** The Idempotency-Key header parameter and its answers (services/idempotency/openapi). */
function withIdempotencyKey(op: Operation): void {
  ;(op.parameters as Json[]).push(IDEMPOTENCY_PARAMETER)
  for (const [code, text] of Object.entries(IDEMPOTENCY_RESPONSES)) op.responses[code] = err(text)
}

function proxiedOperation(r: ProxiedRoute, path: string, params: string[]): Operation {
  const family = r.path.split('/')[1] ?? 'upstream'
  const who = r.adminOnly ? 'Admin only (users configure webhooks through /api/webhooks).' : 'Callers must own the instance, be granted it, or be admin.'
  const op: Operation = {
    summary: `Evolution API v2: ${r.method} ${r.path.replace(':instance', '{instance}')}`,
    description: `Forwarded to the upstream with the gateway's key. ${who} Request and response bodies are Evolution's.`,
    tags: [`upstream ${family}`],
    operationId: operationId(`upstream${r.method}`, path),
    security: [{ apikey: [] }],
    'x-access': r.adminOnly ? 'admin' : 'session',
    'x-proxied': true,
    parameters: pathParams(params),
    responses: {
      [family === 'message' || r.path === '/instance/create' ? '201' : '200']: { description: "Evolution's response, forwarded" },
      ...errorResponses('session', false),
      '403': err('Not your instance, or account disabled'),
      '502': err('Upstream unreachable'),
      '503': err('Circuit breaker open'),
      '504': err('Upstream timeout'),
    },
  }
  if (r.method === 'POST' || r.method === 'PUT') op.requestBody = { required: family === 'message', content: { 'application/json': { schema: upstreamBody(r.path) } } }
  if (proxiedIsIdempotent(r.method, r.path)) withIdempotencyKey(op)
  if (proxiedIsQueueable(r.method, r.path)) {
    ;(op.parameters as Json[]).push(SEND_MODE_PARAMETER)
    for (const [code, text] of Object.entries(SEND_MODE_RESPONSES)) op.responses[code] = code === '202' ? { description: text } : err(text)
  }
  return op
}

export function buildOpenApi(defs: readonly RouteDef[], proxied: readonly ProxiedRoute[]): Json {
  const paths: Record<string, Record<string, Operation>> = {}
  const add = (p: string, method: string, op: Operation) => {
    const item = (paths[p] ??= {})
    item[method.toLowerCase()] ??= op // native routes are added first and win
  }
  for (const d of defs) {
    const { path, params } = openApiPath(d.path)
    add(path, d.method, nativeOperation(d, path, params))
  }
  for (const r of proxied) {
    const { path, params } = openApiPath(r.path)
    add(path, r.method, proxiedOperation(r, path, params))
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'taguato-send gateway',
      version: VERSION,
      description: 'Multi-tenant WhatsApp gateway. Native routes plus the Evolution API v2 routes users may call through the proxy. Every error is JSON {error}.',
    },
    jsonSchemaDialect: 'https://json-schema.org/draft/2020-12/schema',
    paths,
    components: {
      securitySchemes: {
        apikey: { type: 'apiKey', in: 'header', name: 'apikey', description: 'Session token from POST /api/auth/login' },
        metricsToken: { type: 'http', scheme: 'bearer', description: 'METRICS_TOKEN' },
        metricsQueryToken: { type: 'apiKey', in: 'query', name: 'token', description: 'METRICS_TOKEN' },
      },
      schemas: { Error: { type: 'object', required: ['error'], properties: { error: { type: 'string' } }, additionalProperties: true } },
    },
  }
}

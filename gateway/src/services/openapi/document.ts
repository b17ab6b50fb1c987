/**
 * @module services/openapi/document
 * Builds the OpenAPI 3.1 document from the native route definitions (lib/route.ts registry, valibot
 * schemas converted with @valibot/to-json-schema) plus the upstream routes users may call through the
 * proxy (its D1 (docs/decisions.md#d1) route table). Generated, never hand-written, so it cannot drift from the routes.
 */
import { toJsonSchema, type JsonSchema } from '@valibot/to-json-schema'
import type * as v from 'valibot'
import type { Access, RouteDef } from '../../lib/route.js'
import { ROUTES, type RouteRule } from '../../routes/proxy/route-table.js'
import { upstreamBody } from './upstream-bodies.js'

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

function schemaOf(s: v.GenericSchema): JsonSchema {
  // typeMode input: a request documents what the client sends, before transforms.
  const { $schema: _drop, ...rest } = toJsonSchema(s, { target: 'draft-2020-12', errorMode: 'ignore', typeMode: 'input' })
  return rest
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

function nativeOperation(d: RouteDef, params: string[]): Operation {
  const status = String(d.response?.status ?? 200)
  const contentType = d.produces ?? 'application/json'
  const ok: Json = { description: d.response?.description ?? 'Success' }
  if (d.response?.schema) ok.content = { [contentType]: { schema: schemaOf(d.response.schema) } }
  else if (d.produces) ok.content = { [contentType]: {} }
  const op: Operation = {
    summary: d.summary,
    description: ACCESS_NOTE[d.access],
    tags: d.tags?.length ? d.tags : [d.path.split('/')[1] || 'root'],
    operationId: `${d.method.toLowerCase()}${d.path.replace(/[^A-Za-z0-9]+(.)?/g, (_m, ch: string | undefined) => (ch ?? '').toUpperCase())}`,
    security: SPECIAL_SECURITY[d.path] ?? SECURITY[d.access],
    'x-access': d.access,
    parameters: [...pathParams(params), ...(d.query ? queryParams(d.query) : [])],
    responses: { [status]: ok, ...errorResponses(d.access, !!(d.body || d.query)) },
  }
  if (d.body) op.requestBody = { required: true, content: { 'application/json': { schema: schemaOf(d.body) } } }
  return op
}

function proxiedOperation(r: RouteRule, params: string[]): Operation {
  const family = r.path.split('/')[1] ?? 'upstream'
  const who = r.adminOnly ? 'Admin only (users configure webhooks through /api/webhooks).' : 'Callers must own the instance, be granted it, or be admin.'
  const op: Operation = {
    summary: `Evolution API v2: ${r.method} ${r.path.replace(':instance', '{instance}')}`,
    description: `Forwarded to the upstream with the gateway's key. ${who} Request and response bodies are Evolution's.`,
    tags: [`upstream ${family}`],
    operationId: `upstream${r.method}${r.path.replace(/[^A-Za-z0-9]+(.)?/g, (_m, ch: string | undefined) => (ch ?? '').toUpperCase())}`,
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
  return op
}

export function buildOpenApi(defs: RouteDef[], proxied: RouteRule[] = ROUTES): Json {
  const paths: Record<string, Record<string, Operation>> = {}
  const add = (p: string, method: string, op: Operation) => {
    const item = (paths[p] ??= {})
    item[method.toLowerCase()] ??= op // native routes are added first and win
  }
  for (const d of defs) {
    const { path, params } = openApiPath(d.path)
    add(path, d.method, nativeOperation(d, params))
  }
  for (const r of proxied) {
    const { path, params } = openApiPath(r.path)
    add(path, r.method, proxiedOperation(r, params))
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

/**
 * @module services/openapi tests: the generated document lists every registered route with its method,
 * its access as security, and the proxied upstream routes; /metrics is token-guarded. Real deps on a
 * throwaway database (migrated, so the app's routes see the real schema).
 */
import fs from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestDatabase, type TestDatabase } from '../../../../tests/support/db.js'
import { migrate } from '../../../../db/migrate.js'
import { createApp, type GatewayApp } from '../../app.js'
import { loadConfig } from '../../config.js'
import { buildDeps, type Deps } from '../../deps.js'
import { createLogger } from '../../lib/logger.js'
import { ROUTES } from '../../routes/proxy/route-table.js'
import { routeFamily } from '../../middleware/metrics/index.js'
import { SendTextBody } from '../../../../common/src/evolution/request-bodies.js'
import { openApiPath } from './document.js'
import { schemaOf } from './json-schema.js'

type Body = { content: { 'application/json': { schema: Record<string, unknown> } } }
type Doc = { openapi: string; paths: Record<string, Record<string, { security: unknown[]; 'x-access': string; operationId: string; requestBody?: Body }>> }

let db: TestDatabase
let deps: Deps
let gw: GatewayApp
let doc: Doc

beforeAll(async () => {
  db = await createTestDatabase('taguato_openapi')
  const config = loadConfig({
    DATABASE_URL: db.url,
    REDIS_URL: process.env.REDIS_URL,
    AUTHENTICATION_API_KEY: 'openapi-test-key-0123456789',
    METRICS_TOKEN: 'metrics-secret-token',
    LOG_LEVEL: 'silent',
  })
  deps = buildDeps(config, createLogger('silent'))
  await migrate(deps.sql, { dir: fileURLToPath(new URL('../../../../db/migrations', import.meta.url)), schema: 'taguato', lockKey: 727_001 })
  gw = createApp(deps)
  const res = await gw.app.request('/api/openapi.json')
  expect(res.status).toBe(200)
  doc = (await res.json()) as Doc
})

afterAll(async () => {
  await deps?.close()
  await db?.drop()
})

describe('GET /api/openapi.json', () => {
  it('is OpenAPI 3.1.0', () => {
    expect(doc.openapi).toBe('3.1.0')
  })

  it('lists every native route with its method and security by access level', () => {
    expect(gw.router.defs.length).toBeGreaterThan(5)
    const missing: string[] = []
    for (const d of gw.router.defs) {
      const op = doc.paths[openApiPath(d.path).path]?.[d.method.toLowerCase()]
      if (!op) {
        missing.push(`${d.method} ${d.path}`)
        continue
      }
      expect(op['x-access'], `${d.method} ${d.path}`).toBe(d.access)
      if (d.access === 'public' && d.path !== '/metrics') expect(op.security).toEqual([])
      if (d.access === 'session' || d.access === 'admin') expect(op.security).toEqual([{ apikey: [] }])
      if (d.body) expect(op.requestBody, `${d.method} ${d.path} body`).toBeDefined()
    }
    expect(missing).toEqual([])
  })

  it('documents the proxied upstream routes from the D1 (docs/decisions.md#d1) route table', () => {
    for (const r of ROUTES) expect(doc.paths[openApiPath(r.path).path]?.[r.method.toLowerCase()], `${r.method} ${r.path}`).toBeDefined()
    expect(doc.paths['/message/sendText/{instance}']?.post?.requestBody).toBeDefined()
  })

  it('shows each native body as the schema the route declares (and validates with)', () => {
    for (const d of gw.router.defs.filter((x) => x.body)) {
      const shown = doc.paths[openApiPath(d.path).path]?.[d.method.toLowerCase()]?.requestBody?.content['application/json'].schema
      expect(shown, `${d.method} ${d.path}`).toEqual(schemaOf(d.body!))
    }
  })

  it('shows a second, plain-text body where a route reads one (CSV import: text/csv or JSON {csv})', () => {
    const content = doc.paths['/api/contacts/{id}/import']?.post?.requestBody?.content as Record<string, { schema: unknown }> | undefined
    expect(content?.['text/csv']?.schema).toEqual({ type: 'string' })
    expect(content?.['application/json']?.schema).toMatchObject({ properties: { csv: { type: 'string' } }, required: ['csv'] })
  })

  it("shows the upstream's own schemas for its bodies, with what a check says in metadata", () => {
    const body = (p: string) => doc.paths[p]?.post?.requestBody?.content['application/json'].schema
    expect(body('/message/sendText/{instance}')).toEqual(schemaOf(SendTextBody))
    expect(body('/chat/whatsappNumbers/{instance}')).toMatchObject({ properties: { numbers: { type: 'array', minItems: 1, uniqueItems: true } }, required: ['numbers'] })
    // The gateway's own name rule (it intercepts create) over the upstream's.
    expect(body('/instance/create')).toMatchObject({ properties: { instanceName: { type: 'string', pattern: '^[a-zA-Z0-9][a-zA-Z0-9_-]*$' } }, required: ['instanceName'] })
  })

  it('gives every operation its own operationId', () => {
    const ids = Object.values(doc.paths).flatMap((item) => Object.values(item).map((op) => op.operationId))
    expect(ids.filter((id, i) => ids.indexOf(id) !== i)).toEqual([])
  })

  it('services/ and middleware/ import nothing from routes/ (the route table is handed down)', () => {
    const src = fileURLToPath(new URL('../../', import.meta.url))
    const files = (dir: string): string[] =>
      fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? files(path.join(dir, e.name)) : e.name.endsWith('.ts') && !e.name.endsWith('.test.ts') ? [path.join(dir, e.name)] : []))
    const offenders = [...files(path.join(src, 'services')), ...files(path.join(src, 'middleware'))].filter((f) => /from '(\.\.\/)+routes\//.test(fs.readFileSync(f, 'utf8')))
    expect(offenders.map((f) => path.relative(src, f))).toEqual([])
  })

  it('converts Hono paths', () => {
    expect(openApiPath('/api/templates/:id')).toEqual({ path: '/api/templates/{id}', params: ['id'] })
    expect(openApiPath('/a/:id{[0-9]+}/b/:x')).toEqual({ path: '/a/{id}/b/{x}', params: ['id', 'x'] })
    expect(openApiPath('/admin/assets/*')).toEqual({ path: '/admin/assets/{path}', params: ['path'] })
  })
})

describe('GET /metrics', () => {
  it('refuses a missing or wrong token, accepts Bearer and ?token=', async () => {
    expect((await gw.app.request('/metrics')).status).toBe(401)
    expect((await gw.app.request('/metrics', { headers: { authorization: 'Bearer nope' } })).status).toBe(401)
    const ok = await gw.app.request('/metrics', { headers: { authorization: 'Bearer metrics-secret-token' } })
    expect(ok.status).toBe(200)
    const text = await ok.text()
    expect(text).toContain('taguato_http_requests_total{family="/api/openapi.json",method="GET",status="200"}')
    expect(text).toMatch(/taguato_scheduled_messages_pending \d+/)
    expect((await gw.app.request('/metrics?token=metrics-secret-token')).status).toBe(200)
  })

  it('route families never carry ids or instance names', () => {
    expect(routeFamily('/api/templates/:id', '/api/templates/42')).toBe('/api/templates')
    expect(routeFamily('/admin/users/:id/reset', '/admin/users/7/reset')).toBe('/admin/users')
    expect(routeFamily('/api/auth/login', '/api/auth/login')).toBe('/api/auth/login')
    expect(routeFamily('*', '/message/sendText/my-instance')).toBe('/message/sendText')
    expect(routeFamily('*', '/instance/connect/shop-1')).toBe('/instance/connect')
    expect(routeFamily('*', '/random/thing/x')).toBe('other')
    expect(routeFamily('/*', '/message/sendText%20x/y')).toBe('/message')
  })
})

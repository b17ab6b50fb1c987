import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { Hono } from 'hono'
import { afterAll, describe, expect, it } from 'vitest'
import type { Deps } from '../../deps.js'
import type { AppEnv } from '../../env.js'
import { notFoundHandler, onError } from '../../errors/on-error.js'
import type { Router } from '../../lib/route.js'
import { PANEL_CSP, panelRoutes } from './index.js'

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'panel-'))
fs.mkdirSync(path.join(dir, 'assets'))
fs.writeFileSync(path.join(dir, 'index.html'), '<!doctype html><title>panel</title>')
fs.writeFileSync(path.join(dir, 'assets', 'index-abc123.js'), 'console.log(1)')
fs.writeFileSync(path.join(dir, 'secret.txt'), 'not an asset')

const app = new Hono<AppEnv>()
const router: Router = { app, guards: { session: [], admin: [], inline: [] }, defs: [] }
panelRoutes(router, { config: { PANEL_DIR: dir } } as unknown as Deps)
app.onError(onError)
app.notFound(notFoundHandler)

afterAll(() => fs.rmSync(dir, { recursive: true, force: true }))

describe('panel routes', () => {
  it('serves the index with no-store and the strict CSP', async () => {
    for (const p of ['/admin/', '/admin/index.html']) {
      const res = await app.request(p)
      expect(res.status).toBe(200)
      expect(res.headers.get('cache-control')).toBe('no-store')
      expect(res.headers.get('content-security-policy')).toBe(PANEL_CSP)
      expect(await res.text()).toContain('<title>panel</title>')
    }
  })

  it('serves hashed assets with a long cache, and nothing outside assets/', async () => {
    const res = await app.request('/admin/assets/index-abc123.js')
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toContain('text/javascript')
    expect(res.headers.get('cache-control')).toContain('immutable')
    expect((await app.request('/admin/assets/missing.js')).status).toBe(404)
    expect((await app.request('/admin/assets/..%2Fsecret.txt')).status).toBe(404)
    expect((await app.request('/admin/assets/%2E%2E/secret.txt')).status).toBe(404)
  })

  it('redirects the legacy entry points and leaves the admin JSON API alone', async () => {
    const cases: [string, number][] = [['/', 302], ['/panel', 301], ['/panel/', 301], ['/admin', 301]]
    for (const [p, status] of cases) {
      const res = await app.request(p)
      expect(res.status, p).toBe(status)
      expect(res.headers.get('location'), p).toBe('/admin/')
    }
    const api = await app.request('/admin/users')
    expect(api.status).toBe(404)
    expect(await api.json()).toEqual({ error: 'Not found' })
  })
})

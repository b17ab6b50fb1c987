/**
 * @module routes/panel
 * The web panel (D17, docs/decisions.md#d17): a single-page app built by scripts/build-panel.sh into PANEL_DIR and served at
 * /admin/ (hash routes). Only the exact index paths and /admin/assets/* are static: every other /admin/*
 * path is the admin JSON API. Legacy entry points redirect here: `/` (302), `/panel`, `/panel/` and
 * `/admin` (301). Registered before every other family.
 */
import fs from 'node:fs/promises'
import path from 'node:path'
import type { Context } from 'hono'
import type { Deps } from '../../deps.js'
import { ApiError } from '../../errors/api-error.js'
import type { AppEnv } from '../../env.js'
import { register, type Router } from '../../lib/route.js'

/** Strict CSP for the panel: no inline script or style, nothing from another origin. */
export const PANEL_CSP = [
  "default-src 'self'",
  "img-src 'self' data: blob:",
  // Chat media opened in the panel plays from blob: URLs (screens/chat-media.tsx).
  "media-src 'self' blob:",
  "style-src 'self'",
  "script-src 'self'",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "frame-ancestors 'none'",
  "form-action 'self'",
].join('; ')

const TYPES: Record<string, string> = {
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
}

const tags = ['panel']

export function panelRoutes(r: Router, deps: Deps): void {
  const root = path.resolve(deps.config.PANEL_DIR)
  const assets = path.join(root, 'assets')

  const redirect = (to: string, status: 301 | 302) => (c: Context<AppEnv>) => c.redirect(to, status)
  register(r, { method: 'GET', path: '/', access: 'public', summary: 'Redirect to the web panel', tags, response: { status: 302, description: 'to /admin/' } }, redirect('/admin/', 302))
  for (const p of ['/panel', '/panel/', '/admin']) {
    register(r, { method: 'GET', path: p, access: 'public', summary: 'Redirect to the web panel', tags, response: { status: 301, description: 'to /admin/' } }, redirect('/admin/', 301))
  }

  const index = async (c: Context<AppEnv>) => {
    const html = await fs.readFile(path.join(root, 'index.html'), 'utf8').catch(() => null)
    if (html === null) throw new ApiError(503, 'Panel not built (run scripts/build-panel.sh)')
    return c.body(html, 200, {
      'Content-Type': 'text/html; charset=utf-8',
      'Cache-Control': 'no-store',
      'Content-Security-Policy': PANEL_CSP,
    })
  }
  for (const p of ['/admin/', '/admin/index.html']) {
    register(r, { method: 'GET', path: p, access: 'public', summary: 'The web panel', tags, produces: 'text/html' }, index)
  }

  register(r, { method: 'GET', path: '/admin/assets/*', access: 'public', summary: 'Panel assets (hashed names, long cache)', tags, produces: 'application/octet-stream' }, async (c) => {
    const rel = decodeURIComponent(c.req.path.slice('/admin/assets/'.length))
    const file = path.resolve(assets, rel)
    if (rel === '' || !file.startsWith(assets + path.sep)) throw new ApiError(404, 'Not found')
    const data = await fs.readFile(file).catch(() => null)
    if (data === null) throw new ApiError(404, 'Not found')
    return c.body(data, 200, {
      'Content-Type': TYPES[path.extname(file).toLowerCase()] ?? 'application/octet-stream',
      'Cache-Control': 'public, max-age=31536000, immutable',
      'Content-Security-Policy': PANEL_CSP,
    })
  })
}

/**
 * Browser test of the public status page (/status/) in Debian's chromium via playwright-core, against
 * the stack scripts/test.ts booted. The banner follows the services: nothing open reads "All systems
 * operational"; an incident on one service names it and only that row changes; a future maintenance
 * reads "Scheduled" even when marked in progress early. Also the h1, public service names, the favicon
 * (no console error on a visit) and the strict CSP. Screenshots at 1366 and 390 px go to
 * test-artifacts/screenshots/status-*.png. Skipped without chromium.
 */
import crypto from 'node:crypto'
import fs from 'node:fs'
import path from 'node:path'
import { Redis } from 'ioredis'
import postgres from 'postgres'
import type { BrowserContext, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { api, createUsers, GATEWAY, HAS_CHROMIUM, launch } from './helpers.js'

if (!HAS_CHROMIUM) console.warn('[browser] SKIPPED status page: no chromium (apt-get install -y chromium)')

const SHOTS = path.resolve(process.env.REPO_ROOT ?? process.cwd(), 'test-artifacts', 'screenshots')
const TITLE = `Status page probe ${crypto.randomBytes(3).toString('hex')}`
const WIDTHS = [1366, 390] as const

let ctx: BrowserContext
let close: () => Promise<void>
let page: Page
let token = ''
const consoleErrors: string[] = []

/**
 * An operator of its own: the seeded admin's password may have been changed by another browser file of
 * the same run (panel.test.ts signs in as it and must choose a new one), in whatever order files run.
 */
async function adminToken(): Promise<string> {
  const name = `statusop_${crypto.randomBytes(4).toString('hex')}`
  const pw = `Op-${crypto.randomBytes(6).toString('hex')}`
  await createUsers([name], pw, 5, 'admin')
  const r = await api<{ token?: string }>('POST', '/api/auth/login', null, { username: name, password: pw })
  if (r.body.token) return r.body.token
  throw new Error(`operator login failed: ${JSON.stringify(r.body)}`)
}

/** Nothing open on the page: no unresolved incident, no announced maintenance, no cached report. */
async function quiet(): Promise<void> {
  const sql = postgres(process.env.DATABASE_URL!, { max: 1, onnotice: () => undefined })
  await sql`delete from taguato.incidents where status <> 'resolved'`
  await sql`delete from taguato.scheduled_maintenances where status in ('scheduled', 'in_progress')`
  await sql.end()
  await dropCache()
}

async function dropCache(): Promise<void> {
  const redis = new Redis(process.env.REDIS_URL!)
  await redis.del('taguato:status:cache')
  redis.disconnect()
}

async function open(): Promise<void> {
  const res = await page.goto(`${GATEWAY}/status/`)
  expect(res?.headers()['content-security-policy']).toContain("script-src 'self'")
  await page.waitForSelector('body[data-loaded="true"]', { timeout: 15_000 })
}

/** Screenshots at both widths; at 390 px the page must not scroll sideways and shows 30 bars. */
async function shots(name: string): Promise<void> {
  fs.mkdirSync(SHOTS, { recursive: true })
  for (const width of WIDTHS) {
    await page.setViewportSize({ width, height: 860 })
    await page.waitForTimeout(250)
    if (width === 390) {
      expect(await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth)).toBeLessThanOrEqual(0)
      expect(await page.locator('.svc').first().locator('.bar:visible').count()).toBe(30)
    }
    await page.screenshot({ path: path.join(SHOTS, `status-${name}-${width}.png`), fullPage: true })
  }
  await page.setViewportSize({ width: 1366, height: 860 })
}

const stateOf = (name: string) => page.locator(`.svc[data-service="${name}"]`).getAttribute('data-state')

describe.skipIf(!HAS_CHROMIUM)('status page', () => {
  beforeAll(async () => {
    token = await adminToken()
    await quiet()
    ;({ ctx, close } = await launch('taguato-status-'))
    page = ctx.pages()[0] ?? (await ctx.newPage())
    await page.setViewportSize({ width: 1366, height: 860 })
    page.on('console', (m) => void (m.type() === 'error' && consoleErrors.push(m.text())))
  })

  afterAll(async () => {
    await quiet().catch(() => undefined)
    await close?.()
  })

  it('nothing open: "All systems operational", an h1, public names, the favicon, no console error', async () => {
    await open()
    expect(await page.locator('h1').count()).toBe(1)
    expect(await page.locator('h1').textContent()).toContain('TAGUATO-SEND')
    expect(await page.title()).toBe('TAGUATO-SEND · System status')
    expect((await page.locator('#overall-text').textContent())?.trim()).toBe('All systems operational')
    const names = (await page.locator('.svc .svc-name').allTextContents()).map((n) => n.trim())
    expect(names).toEqual(['API', 'WhatsApp connection', 'Database', 'Queue and cache'])
    expect(await page.content()).not.toContain('Evolution API')
    expect(await page.locator('.svc').first().locator('.bar').count()).toBe(90)
    const icon = await page.evaluate(async () => {
      const r = await fetch('/favicon.ico')
      return { status: r.status, type: r.headers.get('content-type') }
    })
    expect(icon).toEqual({ status: 200, type: 'image/x-icon' })
    expect(consoleErrors).toEqual([])
    await shots('operational')
  })

  it('an incident on one service: the banner names it and only its row changes', async () => {
    const r = await api<{ incident: { id: number } }>('POST', '/admin/incidents', token, { title: TITLE, severity: 'major', message: 'Messages are delayed; we are on it.', service_ids: [2] })
    expect(r.status).toBe(201)
    await open()
    expect((await page.locator('#overall-text').textContent())?.trim()).toBe('Partial outage: WhatsApp connection')
    expect(await stateOf('WhatsApp connection')).toBe('partial_outage')
    expect(await stateOf('Database')).toBe('operational')
    const card = page.locator(`#active [data-incident="${r.body.incident.id}"]`)
    expect(await card.locator('.incident-title').textContent()).toBe(TITLE)
    expect(await card.locator('.tag').allTextContents()).toEqual(['WhatsApp connection'])
    expect(await card.locator('.tl-msg').first().textContent()).toContain('Messages are delayed')
    await shots('incident')
    await api('DELETE', `/admin/incidents/${r.body.incident.id}`, token)
  })

  it('a future maintenance reads scheduled, even when marked in progress early', async () => {
    const start = new Date(Date.now() + 86_400_000)
    const r = await api<{ maintenance: { id: number } }>('POST', '/admin/maintenance', token, {
      title: 'Database upgrade',
      scheduled_start: start.toISOString(),
      scheduled_end: new Date(start.getTime() + 7_200_000).toISOString(),
      service_ids: [3],
    })
    expect(r.status).toBe(201)
    expect((await api('PUT', `/admin/maintenance/${r.body.maintenance.id}`, token, { status: 'in_progress' })).status).toBe(200)
    await dropCache()
    await open()
    const card = page.locator(`[data-maintenance="${r.body.maintenance.id}"]`)
    expect(await card.locator('.maint-kind').textContent()).toBe('Scheduled maintenance')
    expect((await page.locator('#overall-text').textContent())?.trim()).toBe('All systems operational')
    expect(await stateOf('Database')).toBe('operational')
    await shots('maintenance')
    expect(consoleErrors.filter((e) => /Content Security Policy|Refused|favicon/i.test(e))).toEqual([])
  })
})

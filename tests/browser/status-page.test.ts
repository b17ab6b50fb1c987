/**
 * Browser test of the public status page (/status/) in Debian's chromium via playwright-core, against
 * the stack scripts/test.ts booted (GATEWAY_URL, ADMIN_USERNAME, ADMIN_PASSWORD). Creates an incident,
 * checks that services, uptime bars and the incident render under the strict CSP (no violations), and
 * saves test-artifacts/screenshots/status-page.png and status-page-375.png. Skipped without chromium.
 */
import crypto from 'node:crypto'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { Redis } from 'ioredis'
import postgres from 'postgres'
import { chromium, type BrowserContext, type Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'
const HAS_CHROMIUM = fs.existsSync(CHROMIUM)
if (!HAS_CHROMIUM) console.warn(`[browser] SKIPPED status page: no chromium at ${CHROMIUM} (apt-get install -y chromium)`)

const GATEWAY = (process.env.GATEWAY_URL ?? 'http://127.0.0.1:8080').replace(/\/$/, '')
const SHOTS = path.resolve(process.env.REPO_ROOT ?? process.cwd(), 'test-artifacts', 'screenshots')
const TITLE = `Status page probe ${crypto.randomBytes(3).toString('hex')}`

let ctx: BrowserContext
let page: Page
let userDir: string
let incidentId = 0
const cspErrors: string[] = []

async function adminToken(): Promise<string | null> {
  for (const pw of [process.env.ADMIN_PASSWORD, process.env.PANEL_TEST_ADMIN_NEW_PASSWORD].filter(Boolean)) {
    const res = await fetch(`${GATEWAY}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: process.env.ADMIN_USERNAME ?? 'admin', password: pw }) })
    if (res.ok) return ((await res.json()) as { token: string }).token
  }
  return null
}

/** Through the API when the admin can log in (another browser test may have changed its password), else SQL. */
async function createIncident(): Promise<void> {
  const token = await adminToken()
  if (token) {
    const res = await fetch(`${GATEWAY}/admin/incidents`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', apikey: token },
      body: JSON.stringify({ title: TITLE, severity: 'major', message: 'Messages are delayed; we are on it.', service_ids: [2] }),
    })
    expect(res.status).toBe(201)
    incidentId = ((await res.json()) as { incident: { id: number } }).incident.id
    return
  }
  const sql = postgres(process.env.DATABASE_URL!, { max: 1, onnotice: () => undefined })
  const [row] = await sql<{ id: number }[]>`insert into taguato.incidents (title, severity) values (${TITLE}, 'major') returning id`
  incidentId = row!.id
  await sql`insert into taguato.incident_updates (incident_id, status, message) values (${incidentId}, 'investigating', 'Messages are delayed; we are on it.')`
  await sql`insert into taguato.incident_services (incident_id, service_id) values (${incidentId}, 2)`
  await sql.end()
  const redis = new Redis(process.env.REDIS_URL!)
  await redis.del('taguato:status:cache')
  redis.disconnect()
}

describe.skipIf(!HAS_CHROMIUM)('status page', () => {
  beforeAll(async () => {
    await createIncident()
    userDir = fs.mkdtempSync(path.join(os.tmpdir(), 'taguato-status-'))
    // A fresh user-data-dir per run (playwright passes it to chromium as --user-data-dir).
    ctx = await chromium.launchPersistentContext(userDir, {
      executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'],
      viewport: { width: 1280, height: 900 },
    })
    page = ctx.pages()[0] ?? (await ctx.newPage())
    page.on('console', (m) => {
      if (m.type() === 'error' && /Content Security Policy|Refused/i.test(m.text())) cspErrors.push(m.text())
    })
  })

  afterAll(async () => {
    await ctx?.close()
    if (userDir) fs.rmSync(userDir, { recursive: true, force: true })
  })

  it('renders the banner, the four services with 90-day bars, and the open incident', async () => {
    const res = await page.goto(`${GATEWAY}/status`)
    expect(page.url()).toBe(`${GATEWAY}/status/`)
    expect(res?.headers()['content-security-policy']).toContain("script-src 'self'")
    await page.waitForSelector('body[data-loaded="true"]', { timeout: 15_000 })

    const names = await page.locator('.svc .svc-name').allTextContents()
    expect(names.map((n) => n.trim())).toEqual(['Gateway', 'Evolution API', 'PostgreSQL', 'Redis'])
    expect(await page.locator('.svc').first().locator('.bar').count()).toBe(90)
    const title = await page.locator('.svc .bar').last().getAttribute('title')
    expect(title).toMatch(/uptime|no data/)

    const overall = await page.locator('#overall-text').textContent()
    expect(overall).toMatch(/Partial outage|Major outage/)

    const card = page.locator(`#active [data-incident="${incidentId}"]`)
    await expect.poll(() => card.count()).toBe(1)
    expect(await card.locator('.incident-title').textContent()).toBe(TITLE)
    expect(await card.locator('.tag').allTextContents()).toEqual(['Evolution API'])
    expect(await card.locator('.timeline li').count()).toBeGreaterThanOrEqual(1)
    expect(await card.locator('.tl-msg').first().textContent()).toContain('Messages are delayed')
    expect(cspErrors).toEqual([])

    fs.mkdirSync(SHOTS, { recursive: true })
    await page.screenshot({ path: path.join(SHOTS, 'status-page.png'), fullPage: true })
  })

  it('is readable at 375 px: no horizontal scroll, last 30 days of bars', async () => {
    await page.setViewportSize({ width: 375, height: 800 })
    await page.waitForTimeout(300)
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth)
    expect(overflow).toBeLessThanOrEqual(0)
    const visibleBars = await page.locator('.svc').first().locator('.bar:visible').count()
    expect(visibleBars).toBe(30)
    await page.screenshot({ path: path.join(SHOTS, 'status-page-375.png'), fullPage: true })
  })

  it('cleans up its incident', async () => {
    const token = await adminToken()
    if (token) await fetch(`${GATEWAY}/admin/incidents/${incidentId}`, { method: 'DELETE', headers: { apikey: token } })
  })
})

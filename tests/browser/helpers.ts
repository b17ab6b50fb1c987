/**
 * Shared pieces of the panel's browser tests: the stack's addresses (from scripts/test.ts), Debian's
 * chromium through playwright-core, sign-in, hash navigation, toasts, screenshots at 1280 px and at
 * phone width (test-artifacts/screenshots/<flow>.png and <flow>-375.png), plain API calls, users
 * written straight into the stack's database, and a signed-in user with a connected sandbox instance.
 */
import crypto from 'node:crypto'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import bcrypt from 'bcryptjs'
import { chromium, type BrowserContext, type Page } from 'playwright-core'
import postgres from 'postgres'

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'
export const HAS_CHROMIUM = fs.existsSync(CHROMIUM)
export const GATEWAY = (process.env.GATEWAY_URL ?? 'http://127.0.0.1:8080').replace(/\/$/, '')
export const UPSTREAM = (process.env.UPSTREAM_URL ?? 'http://127.0.0.1:8081').replace(/\/$/, '')
export const UPSTREAM_KEY = process.env.AUTHENTICATION_API_KEY ?? ''
const SHOTS = path.resolve(process.env.REPO_ROOT ?? process.cwd(), 'test-artifacts', 'screenshots')

/** A headless chromium with a fresh profile; `close()` also removes the profile. */
export async function launch(prefix: string): Promise<{ ctx: BrowserContext; close: () => Promise<void> }> {
  const userDir = fs.mkdtempSync(path.join(os.tmpdir(), prefix))
  const ctx = await chromium.launchPersistentContext(userDir, {
    executablePath: CHROMIUM,
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'],
    viewport: { width: 1280, height: 860 },
  })
  ctx.setDefaultTimeout(15_000)
  return {
    ctx,
    close: async () => {
      await ctx.close()
      fs.rmSync(userDir, { recursive: true, force: true })
    },
  }
}

export async function api<T>(method: string, p: string, token: string | null, body?: unknown): Promise<{ status: number; body: T }> {
  const headers: Record<string, string> = { 'Content-Type': 'application/json' }
  if (token) headers.apikey = token
  const res = await fetch(`${GATEWAY}${p}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) })
  const text = await res.text()
  return { status: res.status, body: (text ? JSON.parse(text) : {}) as T }
}

/** Straight to the upstream with the global key (the sandbox's control routes). */
export async function upstream<T>(method: string, p: string, body?: unknown): Promise<{ status: number; body: T }> {
  const res = await fetch(`${UPSTREAM}${p}`, {
    method,
    headers: { apikey: UPSTREAM_KEY, ...(body === undefined ? {} : { 'Content-Type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  })
  const text = await res.text()
  return { status: res.status, body: (text ? JSON.parse(text) : {}) as T }
}

/** Users (role user unless told, no forced password change) written straight into the stack's database. */
export async function createUsers(names: string[], password: string, maxInstances = 5, role: 'user' | 'admin' = 'user'): Promise<void> {
  const sql = postgres(process.env.DATABASE_URL!, { max: 1, onnotice: () => undefined })
  try {
    for (const name of names) {
      await sql`insert into taguato.users (username, password_hash, role, api_token, max_instances, must_change_password)
        values (${name}, ${bcrypt.hashSync(password, 4)}, ${role}, ${crypto.randomBytes(32).toString('hex')}, ${maxInstances}, false)`
    }
  } finally {
    await sql.end()
  }
}

export async function shoot(page: Page, flow: string): Promise<void> {
  fs.mkdirSync(SHOTS, { recursive: true })
  await page.waitForTimeout(300)
  await page.screenshot({ path: path.join(SHOTS, `${flow}.png`), fullPage: true })
  const size = page.viewportSize()
  await page.setViewportSize({ width: 375, height: 780 })
  await page.waitForTimeout(300)
  await page.screenshot({ path: path.join(SHOTS, `${flow}-375.png`), fullPage: true })
  if (size) await page.setViewportSize(size)
}

/** Waits until the page has had no API request in flight for a moment (its screen finished loading). */
export async function settle(page: Page): Promise<void> {
  let inflight = 0
  let last = Date.now()
  const isApi = (r: { resourceType(): string }) => r.resourceType() === 'fetch' || r.resourceType() === 'xhr'
  const up = (r: { resourceType(): string }) => void (isApi(r) && (inflight++, (last = Date.now())))
  const down = (r: { resourceType(): string }) => void (isApi(r) && (inflight--, (last = Date.now())))
  page.on('request', up)
  page.on('requestfinished', down)
  page.on('requestfailed', down)
  try {
    const deadline = Date.now() + 20_000
    await page.waitForTimeout(150)
    while (Date.now() < deadline && (inflight > 0 || Date.now() - last < 400)) await page.waitForTimeout(100)
  } finally {
    page.off('request', up)
    page.off('requestfinished', down)
    page.off('requestfailed', down)
  }
}

export async function go(page: Page, hash: string): Promise<void> {
  await page.evaluate((h) => (location.hash = h), hash)
}

export async function login(page: Page, username: string, password: string): Promise<void> {
  await page.goto(`${GATEWAY}/admin/`)
  await page.getByLabel('Username').fill(username)
  await page.getByLabel('Password', { exact: true }).fill(password)
  await page.getByRole('button', { name: 'Sign in' }).click()
}

export const toast = (page: Page, text: string | RegExp) => page.locator('.toast').filter({ hasText: text }).first()

/**
 * A fresh browser signed in as a new plain user (written to the database) who owns a connected sandbox
 * instance (created through the gateway, linked with the sandbox's scan). The page starts at 1366 px.
 */
export async function withSandboxInstance(opts: { prefix: string; user: string; password: string; instance: string; clipboard?: boolean }): Promise<{
  ctx: BrowserContext
  page: Page
  token: string
  close: () => Promise<void>
}> {
  await createUsers([opts.user], opts.password, 2)
  const { ctx, close } = await launch(opts.prefix)
  if (opts.clipboard) await ctx.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: GATEWAY })
  const page = ctx.pages()[0] ?? (await ctx.newPage())
  page.on('pageerror', (e) => console.error(`[browser] page error: ${e.message}`))
  await page.setViewportSize({ width: 1366, height: 900 })
  await login(page, opts.user, opts.password)
  await page.getByTestId('whoami').waitFor()
  const token = (await page.evaluate(() => sessionStorage.getItem('taguato_token'))) ?? ''
  const created = await api('POST', '/instance/create', token, { instanceName: opts.instance, integration: 'WHATSAPP-BAILEYS' })
  if (created.status !== 201) throw new Error(`creating ${opts.instance}: HTTP ${created.status} ${JSON.stringify(created.body)}`)
  const scan = await upstream('POST', `/sandbox/instances/${opts.instance}/scan`)
  if (scan.status !== 200) throw new Error(`scanning ${opts.instance}: HTTP ${scan.status} ${JSON.stringify(scan.body)}`)
  return { ctx, page, token, close }
}

/** Opens one of an instance's pages the way a user does: its screen, then the link (`<page>-link`). */
export async function openInstancePage(page: Page, instance: string, which: string): Promise<void> {
  await go(page, `/instances/${instance}`)
  await page.getByTestId(`${which}-link`).click()
  await page.waitForURL((u) => u.hash === `#/instances/${instance}/${which}`)
}

/** One full-page screenshot at the current width: test-artifacts/screenshots/<name>-<width>.png. */
export async function shotAtWidth(page: Page, name: string): Promise<void> {
  fs.mkdirSync(SHOTS, { recursive: true })
  await page.waitForTimeout(250)
  await page.screenshot({ path: path.join(SHOTS, `${name}-${page.viewportSize()?.width ?? 0}.png`), fullPage: true })
}

/**
 * Shared pieces of the panel's browser tests: the stack's addresses (from scripts/test.ts), Debian's
 * chromium through playwright-core, sign-in, hash navigation, toasts, screenshots at 1280 px and at
 * phone width (test-artifacts/screenshots/<flow>.png and <flow>-375.png), plain API calls, and users
 * written straight into the stack's database.
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

/** Plain users (role user, no forced password change) written straight into the stack's database. */
export async function createUsers(names: string[], password: string, maxInstances = 5): Promise<void> {
  const sql = postgres(process.env.DATABASE_URL!, { max: 1, onnotice: () => undefined })
  try {
    for (const name of names) {
      await sql`insert into taguato.users (username, password_hash, role, api_token, max_instances, must_change_password)
        values (${name}, ${bcrypt.hashSync(password, 4)}, 'user', ${crypto.randomBytes(32).toString('hex')}, ${maxInstances}, false)`
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

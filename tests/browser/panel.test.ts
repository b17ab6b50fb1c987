/**
 * Browser end-to-end tests of the web panel (/admin/), driving Debian's chromium through playwright-core
 * against the stack scripts/test.ts booted (GATEWAY_URL, UPSTREAM_URL, ADMIN_USERNAME, ADMIN_PASSWORD,
 * AUTHENTICATION_API_KEY). Each flow saves test-artifacts/screenshots/<flow>.png (1280 px wide) and
 * <flow>-375.png (phone width). Skipped, with a message, only when no chromium is installed.
 */
import crypto from 'node:crypto'
import type { BrowserContext, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { api, CHROMIUM, GATEWAY, go, HAS_CHROMIUM, launch, login, settle, shoot, toast, UPSTREAM, UPSTREAM_KEY } from './helpers.js'

if (!HAS_CHROMIUM) console.warn(`[browser] SKIPPED: no chromium at ${CHROMIUM} (apt-get install -y chromium)`)

const ADMIN = process.env.ADMIN_USERNAME ?? 'admin'
const ADMIN_PASSWORD = process.env.ADMIN_PASSWORD ?? ''

const tag = crypto.randomBytes(3).toString('hex')
const USER = `panel_${tag}`
const USER_PASSWORD = 'Initial1Pass'
const USER_NEW_PASSWORD = 'Changed2Pass'
const ADMIN_NEW_PASSWORD = process.env.PANEL_TEST_ADMIN_NEW_PASSWORD ?? `Adm1n-${crypto.randomBytes(6).toString('hex')}`
const INSTANCE = `pnl-${tag}`
const OTHER_USER = `other_${tag}`
const OTHER_INSTANCE = `oth-${tag}`
const TARGET = `5959810${String(Date.now()).slice(-5)}`
const INCIDENT = `Panel test incident ${tag}`

let ctx: BrowserContext
let closeBrowser: () => Promise<void>
let admin: Page
let user: Page

/** The forced password change: the panel signs in again with the new password by itself. */
async function changePassword(page: Page, current: string, next: string): Promise<void> {
  const form = page.getByTestId('change-password-form')
  await form.waitFor()
  await form.getByLabel('Current password').fill(current)
  await form.getByLabel('New password', { exact: true }).fill(next)
  await form.getByLabel('Repeat the new password').fill(next)
  await form.getByRole('button', { name: 'Change password' }).click()
  await page.getByTestId('whoami').waitFor()
}

/** Collects what goes wrong on a page until stop(): script errors, console errors, API answers >= 400. */
async function watch(page: Page): Promise<{ problems: string[]; toastsBefore: string[]; stop: () => void }> {
  const problems: string[] = []
  const toastsBefore = await page.locator('.toast-err').allTextContents()
  const onError = (e: Error) => problems.push(`script error: ${e.message}`)
  const onConsole = (m: { type(): string; text(): string }) => {
    if (m.type() === 'error') problems.push(`console error: ${m.text()}`)
  }
  const onResponse = (r: { status(): number; url(): string; request(): { method(): string } }) => {
    if (r.status() >= 400 && r.url().startsWith(GATEWAY)) problems.push(`${r.request().method()} ${r.url().slice(GATEWAY.length)} -> ${r.status()}`)
  }
  page.on('pageerror', onError)
  page.on('console', onConsole)
  page.on('response', onResponse)
  return {
    problems,
    toastsBefore,
    stop: () => {
      page.off('pageerror', onError)
      page.off('console', onConsole)
      page.off('response', onResponse)
    },
  }
}

describe.skipIf(!HAS_CHROMIUM)('web panel', () => {
  beforeAll(async () => {
    ;({ ctx, close: closeBrowser } = await launch('taguato-chromium-'))
    // sessionStorage is per tab: the two pages hold two independent sessions.
    admin = ctx.pages()[0] ?? (await ctx.newPage())
    user = await ctx.newPage()
    for (const p of [admin, user]) p.on('pageerror', (e) => console.error(`[browser] page error: ${e.message}`))
  })

  afterAll(async () => {
    await closeBrowser?.()
  })

  it('serves the panel with a strict CSP and redirects the legacy paths', async () => {
    const index = await fetch(`${GATEWAY}/admin/`)
    expect(index.status).toBe(200)
    expect(index.headers.get('cache-control')).toBe('no-store')
    expect(index.headers.get('content-security-policy')).toContain("script-src 'self'")
    for (const [from, status] of [['/', 302], ['/panel', 301], ['/panel/', 301], ['/admin', 301]] as const) {
      const r = await fetch(`${GATEWAY}${from}`, { redirect: 'manual' })
      expect(r.status, from).toBe(status)
      expect(new URL(r.headers.get('location') ?? '', GATEWAY).pathname, from).toBe('/admin/')
    }
    const asset = /src="(\/admin\/assets\/[^"]+\.js)"/.exec(await index.text())?.[1]
    expect(asset).toBeTruthy()
    const js = await fetch(`${GATEWAY}${asset}`)
    expect(js.status).toBe(200)
    expect(js.headers.get('cache-control')).toContain('immutable')
  })

  it('flow 1: the admin signs in and creates a user with max 2 instances', async () => {
    await login(admin, ADMIN, ADMIN_PASSWORD)
    // The seeded admin may have to choose a new password at the first sign-in (must_change_password).
    const forced = admin.getByTestId('change-password-form')
    const first = await Promise.race([
      forced.waitFor().then(() => 'forced' as const),
      admin.getByTestId('whoami').waitFor().then(() => 'in' as const),
    ])
    if (first === 'forced') {
      await changePassword(admin, ADMIN_PASSWORD, ADMIN_NEW_PASSWORD)
      console.warn(`[browser] the seeded admin had to change its password; it is now ${ADMIN_NEW_PASSWORD}`)
    }
    await admin.getByTestId('whoami').waitFor()
    await expect.poll(() => admin.url()).toMatch(/#\/admin\/dashboard/)
    await admin.getByTestId('admin-dashboard').waitFor()
    await go(admin, '/admin/users')
    await admin.getByTestId('new-user').click()
    const form = admin.getByTestId('user-form')
    await form.getByLabel('Username').fill(USER)
    await form.getByLabel('Initial password').fill(USER_PASSWORD)
    await form.getByLabel('Max instances').fill('2')
    await form.getByTestId('save-user').click()
    await toast(admin, `User ${USER} created`).waitFor()
    const row = admin.getByTestId('users-table').locator('tr', { hasText: USER })
    await expect.poll(() => row.count()).toBe(1)
    expect(await row.innerText()).toContain('2')
    await shoot(admin, 'flow1-admin-users')
  })

  it('flow 2: the user changes the forced password, connects an instance, sends a text and sees it logged', async () => {
    await login(user, USER, USER_PASSWORD)
    await changePassword(user, USER_PASSWORD, USER_NEW_PASSWORD)
    await user.getByTestId('user-dashboard').waitFor()
    await expect.poll(() => user.url()).toMatch(/#\/dashboard/)

    await go(user, '/instances')
    await user.getByLabel('New instance name').fill(INSTANCE)
    await user.getByTestId('create-instance').click()
    const modal = user.getByTestId('connect-modal')
    await modal.getByTestId('qr').waitFor({ timeout: 20_000 })
    await shoot(user, 'flow2-connect-qr')
    const scan = await fetch(`${UPSTREAM}/sandbox/instances/${INSTANCE}/scan`, { method: 'POST', headers: { apikey: UPSTREAM_KEY } })
    expect(scan.status, 'sandbox scan').toBeLessThan(300)
    await modal.getByTestId('connected').waitFor({ timeout: 20_000 })
    await user.getByTestId(`instance-${INSTANCE}`).locator('.badge', { hasText: 'Connected' }).waitFor({ timeout: 20_000 })

    await go(user, '/messages')
    const send = user.getByTestId('single-send')
    await expect.poll(() => send.getByLabel('Instance').inputValue()).toBe(INSTANCE)
    await send.getByLabel('To (number with country code)').fill(TARGET)
    await send.getByLabel('Message', { exact: true }).fill('Hello from the *panel* test')
    await send.getByTestId('send-single').click()
    await toast(user, `Message sent to ${TARGET}`).waitFor({ timeout: 20_000 })

    // The gateway writes the log row right after the upstream answered: refresh until it shows.
    await go(user, '/history')
    const row = user.getByTestId('history-table').locator('tr', { hasText: TARGET }).first()
    await expect
      .poll(async () => {
        if (await row.isVisible()) return true
        await user.getByRole('button', { name: 'Refresh' }).click()
        return row.waitFor({ timeout: 1_500 }).then(() => true, () => false)
      }, { timeout: 20_000 })
      .toBe(true)
    await shoot(user, 'flow2-history')
    await go(user, '/dashboard')
    await user.getByTestId('user-dashboard').waitFor()
    const today = Number(await user.getByTestId('stat-today').locator('.stat-value').innerText())
    expect(today).toBeGreaterThanOrEqual(1)
    await shoot(user, 'flow2-dashboard')
  })

  it('flow 3: a bulk send to 20 numbers runs as a job and the progress bar reaches 20/20', async () => {
    await go(user, '/messages')
    await user.getByTestId('tab-bulk').click()
    const form = user.getByTestId('bulk-form')
    await expect.poll(() => form.getByLabel('Instance').inputValue()).toBe(INSTANCE)
    const numbers = Array.from({ length: 20 }, (_, i) => `5959820${String(i + 1).padStart(5, '0')}`)
    await form.getByLabel('Numbers (one per line, or separated by commas)').fill(numbers.join('\n'))
    await form.getByLabel('Message', { exact: true }).fill('Bulk hello from the panel test')
    await form.getByTestId('send-bulk').click()
    const progress = user.getByTestId('bulk-progress')
    await progress.waitFor()
    await progress.getByTestId('progress-count').filter({ hasText: '20 / 20' }).waitFor({ timeout: 150_000 })
    await shoot(user, 'flow3-bulk')
  }, 200_000)

  it('flow 4: the admin creates an incident and it appears on /status/', async () => {
    await go(admin, '/admin/incidents')
    const form = admin.getByTestId('incident-form')
    await form.getByLabel('Title').fill(INCIDENT)
    await form.getByLabel('Severity').selectOption('minor')
    await form.getByLabel('First update').fill('We are looking into it.')
    await form.getByLabel('Gateway').check()
    await form.getByTestId('create-incident').click()
    await toast(admin, 'Incident created').waitFor()
    await admin.getByTestId('incident').filter({ hasText: INCIDENT }).waitFor()
    await shoot(admin, 'flow4-incidents')

    const status = await ctx.newPage()
    const deadline = Date.now() + 45_000
    let seen = false
    while (!seen && Date.now() < deadline) {
      await status.goto(`${GATEWAY}/status/`)
      seen = await status
        .getByText(INCIDENT)
        .first()
        .waitFor({ timeout: 5_000 })
        .then(() => true, () => false)
    }
    expect(seen, 'incident title on /status/').toBe(true)
    await shoot(status, 'flow4-status')
    await status.close()
  }, 90_000)

  it('flow 5: a user sees no operator screens and no other user\'s instance', async () => {
    // Another user with an instance of their own, through the API.
    const adminToken = await admin.evaluate(() => sessionStorage.getItem('taguato_token'))
    const created = await api<{ user: { id: number } }>('POST', '/admin/users', adminToken, { username: OTHER_USER, password: USER_PASSWORD, max_instances: 1 })
    expect(created.status).toBe(201)
    const other = await api<{ token: string }>('POST', '/api/auth/login', null, { username: OTHER_USER, password: USER_PASSWORD })
    expect(other.status).toBe(200)
    const inst = await api('POST', '/instance/create', other.body.token, { instanceName: OTHER_INSTANCE, integration: 'WHATSAPP-BAILEYS', qrcode: true })
    expect(inst.status).toBeLessThan(300)

    expect(await user.locator('.sidebar').getByText('Operations').count()).toBe(0)
    expect(await user.locator('.sidebar a[href="#/admin/users"]').count()).toBe(0)
    await go(user, '/admin/users')
    await user.getByTestId('not-allowed').waitFor()
    expect(await user.getByTestId('users-table').count()).toBe(0)
    await shoot(user, 'flow5-not-allowed')

    await go(user, '/instances')
    await user.getByTestId(`instance-${INSTANCE}`).waitFor()
    expect(await user.getByTestId(`instance-${OTHER_INSTANCE}`).count()).toBe(0)
    const token = await user.evaluate(() => sessionStorage.getItem('taguato_token'))
    expect((await api('GET', `/instance/connectionState/${OTHER_INSTANCE}`, token)).status).toBe(403)
    expect((await api('GET', '/admin/users', token)).status).toBe(403)
    await go(user, `/instances/${OTHER_INSTANCE}`)
    await toast(user, /own|not found|denied|forbidden/i).waitFor()
  })

  it('every screen opens for its role without a script error, a failed API call or an error toast', async () => {
    // Screens beyond the five flows (recovery aside) were built against the live API shapes; this opens
    // each one, with real data behind it, and fails on anything that went wrong while it loaded.
    const userToken = await user.evaluate(() => sessionStorage.getItem('taguato_token'))
    const list = await api<{ list: { id: number } }>('POST', '/api/contacts', userToken, { name: `Smoke ${tag}` })
    expect(list.status).toBe(201)
    const userScreens = ['/dashboard', '/instances', `/instances/${INSTANCE}`, `/instances/${INSTANCE}/replies`, `/instances/${INSTANCE}/chats`,
      `/instances/${INSTANCE}/groups`, `/instances/${INSTANCE}/profile`, '/messages', '/templates', '/contacts', `/contacts/${list.body.list.id}`,
      '/history', '/scheduled', '/webhooks', '/sessions', '/security', '/docs']
    const adminScreens = ['/admin/dashboard', '/admin/users', '/admin/instances', '/admin/sessions', '/admin/incidents', '/admin/maintenance',
      '/admin/audit', '/admin/backups', '/admin/health', ...userScreens.filter((s) => !s.startsWith('/instances/') && !s.startsWith('/contacts/'))]
    const problems: string[] = []
    for (const [page, screens] of [[user, userScreens], [admin, adminScreens]] as const) {
      for (const screen of screens) {
        const seen = await watch(page)
        await go(page, screen)
        await settle(page)
        // Toasts live 6 s: only those that appeared while this screen loaded count.
        const toasts = await page.locator('.toast-err').allTextContents()
        seen.stop()
        for (const t of toasts) if (!seen.toastsBefore.includes(t)) problems.push(`${screen}: error toast "${t}"`)
        problems.push(...seen.problems.map((x) => `${screen}: ${x}`))
      }
    }
    await shoot(admin, 'screens-admin-health')
    expect(problems).toEqual([])
  })
})

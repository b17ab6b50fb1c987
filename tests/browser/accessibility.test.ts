/**
 * Accessibility of every panel screen, for both roles, and of the public pages (sign-in, /status/):
 * axe-core is injected into the page (its `source`, evaluated through playwright-core) and run on each screen at
 * 1366 px and 390 px in the light theme, and at 1366 px in the dark one; any serious or critical
 * violation fails the test, listed with its screen, rule and elements. The screen list is checked
 * against gateway/panel/src/screens/routes.ts, so a new route without an entry here fails too.
 * Four dialogs are checked open too, and an instance screen as an admin sees it (with its send
 * settings card). Screenshots: test-artifacts/screenshots/a11y-<role>-<screen>-1366.png and -390.png.
 * Phones (390 px): a toast covers no form field, a History row takes two lines; the user dashboard
 * shows each instance's state. Data behind the screens: a user with a connected sandbox instance, a sent message (History, a chat),
 * a group, a contact list; an operator written straight into the database. Skipped without chromium.
 */
import crypto from 'node:crypto'
import fs from 'node:fs'
import path from 'node:path'
import axe from 'axe-core'
import type { Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { api, CHROMIUM, createUsers, GATEWAY, go, HAS_CHROMIUM, login, settle, withSandboxInstance } from './helpers.js'

if (!HAS_CHROMIUM) console.warn(`[browser] SKIPPED accessibility: no chromium at ${CHROMIUM} (apt-get install -y chromium)`)

const ROOT = process.env.REPO_ROOT ?? process.cwd()
const SHOTS = path.resolve(ROOT, 'test-artifacts', 'screenshots')
const tag = crypto.randomBytes(3).toString('hex')
const PASSWORD = 'Access1Pass'
const USER = `a11y_${tag}`
const OPERATOR = `a11yop_${tag}`
const INSTANCE = `a11y-${tag}`
const TARGET = `5959874${String(Date.now()).slice(-5)}`
const WIDTHS = [1366, 390] as const

type Violation = { id: string; impact: string | null; help: string; nodes: { target: unknown[] }[] }

let close: () => Promise<void>
let user: Page
let operator: Page
/** Values of the `:param` segments of the routes. */
const params: Record<string, string> = { name: INSTANCE, jid: `${TARGET}@s.whatsapp.net`, job: '1' }
let groupJid = ''
let listId = ''

/** The hash paths of gateway/panel/src/screens/routes.ts, read as text (the module imports the screens). */
function panelRoutes(): string[] {
  const text = fs.readFileSync(path.resolve(ROOT, 'gateway/panel/src/screens/routes.ts'), 'utf8')
  return [...text.matchAll(/path:\s*'([^']+)'/g)].map((m) => m[1]!)
}

/** A route with its parameters filled in (the group and contact-list routes take their own ids); an unknown one stays `:name`. */
function fill(route: string): string {
  return route
    .replace('/groups/:jid', `/groups/${encodeURIComponent(groupJid)}`)
    .replace('/contacts/:id', `/contacts/${listId}`)
    .replace(/:(\w+)/g, (whole: string, k: string) => (k in params ? encodeURIComponent(params[k]!) : whole))
}

/** axe on the page as it is; serious and critical violations, one line each. */
async function check(page: Page, where: string): Promise<string[]> {
  // Evaluated through the DevTools protocol: the panel's CSP (script-src 'self') refuses an inline <script>.
  if (!(await page.evaluate(() => 'axe' in window))) await page.evaluate(axe.source)
  const found = await page.evaluate(async () => {
    const w = window as unknown as { axe: { run: (ctx: Document, opts: object) => Promise<{ violations: unknown[] }> } }
    const res = await w.axe.run(document, { resultTypes: ['violations'] })
    return res.violations
  })
  const violations = found as Violation[]
  // Moderate and minor ones are printed, not failed on: worth a look when the panel changes.
  const lesser = violations.filter((v) => v.impact !== 'serious' && v.impact !== 'critical')
  if (lesser.length > 0) console.warn(`[a11y] ${where}: ${lesser.map((v) => `${v.impact} ${v.id} x${v.nodes.length}`).join('; ')}`)
  return violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${where}: ${v.impact} ${v.id} (${v.help}) on ${v.nodes.slice(0, 4).map((n) => JSON.stringify(n.target)).join(', ')}${v.nodes.length > 4 ? ` and ${v.nodes.length - 4} more` : ''}`)
}

/** The screen at both widths (light) and at 1366 px (dark); screenshots of the light ones. */
async function audit(page: Page, name: string): Promise<string[]> {
  const problems: string[] = []
  fs.mkdirSync(SHOTS, { recursive: true })
  for (const width of WIDTHS) {
    await page.setViewportSize({ width, height: width === 390 ? 844 : 900 })
    await page.waitForTimeout(200)
    problems.push(...(await check(page, `${name} @${width}`)))
    await page.screenshot({ path: path.join(SHOTS, `a11y-${name}-${width}.png`), fullPage: true })
  }
  await page.setViewportSize({ width: 1366, height: 900 })
  await page.evaluate(() => (document.documentElement.dataset.theme = 'dark'))
  await page.waitForTimeout(200)
  problems.push(...(await check(page, `${name} @1366 dark`)))
  await page.evaluate(() => delete document.documentElement.dataset.theme)
  return problems
}

const slug = (route: string) => route.replace(/^\//, '').replace(/[/:]+/g, '-') || 'root'

async function auditScreens(page: Page, role: string, routes: string[]): Promise<string[]> {
  const problems: string[] = []
  for (const route of routes) {
    await go(page, fill(route))
    await settle(page)
    problems.push(...(await audit(page, `${role}-${slug(route)}`)))
  }
  return problems
}

describe.skipIf(!HAS_CHROMIUM)('accessibility (axe-core)', () => {
  beforeAll(async () => {
    const b = await withSandboxInstance({ prefix: 'taguato-a11y-', user: USER, password: PASSWORD, instance: INSTANCE })
    close = b.close
    user = b.page
    const sent = await api('POST', `/message/sendText/${INSTANCE}`, b.token, { number: TARGET, text: `Accessibility probe ${tag}` })
    expect(sent.status, JSON.stringify(sent.body)).toBe(201)
    const group = await api<{ id?: string; groupJid?: string }>('POST', `/group/create/${INSTANCE}`, b.token, { subject: `A11y ${tag}`, participants: [TARGET] })
    expect(group.status, JSON.stringify(group.body)).toBeLessThan(300)
    groupJid = group.body.id ?? group.body.groupJid ?? ''
    const list = await api<{ list: { id: number } }>('POST', '/api/contacts', b.token, { name: `A11y ${tag}` })
    expect(list.status).toBe(201)
    listId = String(list.body.list.id)
    await createUsers([OPERATOR], PASSWORD, 5, 'admin')
    operator = await b.ctx.newPage()
    await operator.setViewportSize({ width: 1366, height: 900 })
    await login(operator, OPERATOR, PASSWORD)
    await operator.getByTestId('whoami').waitFor()
  }, 120_000)

  afterAll(async () => {
    await close?.()
  })

  it('lists every panel route', () => {
    const routes = panelRoutes()
    expect(routes.length).toBeGreaterThan(20)
    for (const r of routes) expect(fill(r), r).not.toMatch(/:\w/)
  })

  it('public pages: sign-in and /status/', async () => {
    const page = await user.context().newPage()
    const problems: string[] = []
    try {
      await page.goto(`${GATEWAY}/admin/`)
      await page.getByLabel('Username').waitFor()
      problems.push(...(await audit(page, 'public-login')))
      await page.goto(`${GATEWAY}/status/`)
      await page.waitForLoadState('networkidle')
      problems.push(...(await audit(page, 'public-status')))
    } finally {
      await page.close()
    }
    expect(problems).toEqual([])
  }, 120_000)

  it('phones: a toast sits over the top bar and covers no form field', async () => {
    await user.setViewportSize({ width: 390, height: 844 })
    await go(user, '/messages')
    const form = user.getByTestId('single-send')
    await form.getByLabel('To (number with country code)').fill(TARGET)
    await form.getByLabel('Message', { exact: true }).fill(`Toast probe ${tag}`)
    await user.getByTestId('send-single').click()
    await user.locator('.toast').first().waitFor()
    const covered = await user.evaluate(() => {
      const bar = document.querySelector('.topbar')!.getBoundingClientRect()
      const toasts = Array.from(document.querySelectorAll('.toast')).map((t) => t.getBoundingClientRect()).filter((r) => r.height > 0)
      const out = toasts.filter((r) => r.bottom > bar.bottom + 1).map((r) => `toast reaches ${Math.round(r.bottom)} px, the top bar ends at ${Math.round(bar.bottom)} px`)
      for (const el of Array.from(document.querySelectorAll('main input, main select, main textarea, main button'))) {
        const r = el.getBoundingClientRect()
        if (r.height === 0 || r.bottom < 0 || r.top > innerHeight) continue
        const hit = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2)
        if (hit?.closest('.toasts')) out.push(`${el.tagName.toLowerCase()} "${el.getAttribute('name') ?? el.textContent?.trim()}" is under a toast`)
      }
      return out
    })
    await user.screenshot({ path: path.join(SHOTS, 'a11y-toast-390.png') })
    expect(covered).toEqual([])
  }, 60_000)

  it('phones: a History row takes at most two lines', async () => {
    await user.setViewportSize({ width: 390, height: 844 })
    await go(user, '/history')
    const row = user.getByTestId('history-table').locator('tbody tr').filter({ hasText: TARGET }).first()
    await row.waitFor()
    const box = await row.boundingBox()
    const line = await row.evaluate((tr) => parseFloat(getComputedStyle(tr).lineHeight) || 22)
    // Two lines of text, the badge's and the link's padding, the row's own padding and border; half a
    // line of slack, since a status badge (its text changes as acks arrive) may stand taller than a text
    // line. A third line would still fail.
    expect(box!.height).toBeLessThanOrEqual(line * 2.5 + 36)
    await expect.poll(() => row.innerText()).toContain('probe')
    await user.setViewportSize({ width: 1366, height: 900 })
  }, 60_000)

  it('the user dashboard shows each instance with its state', async () => {
    await go(user, '/dashboard')
    const item = user.getByTestId('dashboard-instances').locator(`li[data-instance="${INSTANCE}"]`)
    await expect.poll(() => item.innerText(), { timeout: 15_000 }).toContain('Connected')
  }, 60_000)

  it('dialogs: a message\'s detail, a confirmation, the new-user form, a user\'s send settings', async () => {
    const opened: [Page, string, string, (p: Page) => Promise<void>][] = [
      [user, '/history', 'user-dialog-history-detail', (p) => p.getByTestId('history-text').first().click()],
      [user, '/sessions', 'user-dialog-confirm', (p) => p.getByRole('button', { name: 'Revoke' }).first().click()],
      [operator, '/admin/users', 'admin-dialog-new-user', (p) => p.getByTestId('new-user').click()],
      [operator, '/admin/users', 'admin-dialog-send-settings', (p) => p.getByTestId('send-settings').first().click()],
    ]
    const problems: string[] = []
    for (const [page, route, name, open] of opened) {
      await page.setViewportSize({ width: 1366, height: 900 })
      await go(page, route)
      await settle(page)
      await open(page)
      await page.getByRole('dialog').waitFor()
      await settle(page)
      problems.push(...(await audit(page, name)))
      await page.keyboard.press('Escape')
      await page.getByRole('dialog').waitFor({ state: 'detached' })
    }
    expect(problems).toEqual([])
  }, 120_000)

  it('an instance screen as an admin sees it, with its send settings card', async () => {
    await go(operator, `/instances/${encodeURIComponent(INSTANCE)}`)
    await operator.getByTestId('send-settings-card').getByTestId('ss-save').waitFor()
    await settle(operator)
    expect(await audit(operator, 'admin-instance-send-settings')).toEqual([])
  }, 120_000)

  it('every user screen', async () => {
    const routes = panelRoutes().filter((r) => !r.startsWith('/admin/'))
    expect(await auditScreens(user, 'user', routes)).toEqual([])
  }, 600_000)

  it('every operator screen', async () => {
    // The operator's own screens and the user screens that need no instance of theirs.
    const routes = panelRoutes().filter((r) => r.startsWith('/admin/') || !r.includes(':'))
    expect(await auditScreens(operator, 'admin', routes)).toEqual([])
  }, 600_000)
})

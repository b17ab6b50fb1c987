/**
 * Browser test of Admin -> Users: "Unlock" shows only on a locked user (and unlocking removes it), a
 * user without email gets "Temporary password" (shown once in a window) instead of an email reset, and
 * creating a user does not filter the list to it. At 1366 and 390 px, screenshots in
 * test-artifacts/screenshots/admin-users-*.png. Skipped without chromium.
 */
import crypto from 'node:crypto'
import fs from 'node:fs'
import path from 'node:path'
import postgres from 'postgres'
import type { BrowserContext, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createUsers, go, HAS_CHROMIUM, launch, login, settle, toast } from './helpers.js'

if (!HAS_CHROMIUM) console.warn('[browser] SKIPPED admin users: no chromium (apt-get install -y chromium)')

const SHOTS = path.resolve(process.env.REPO_ROOT ?? process.cwd(), 'test-artifacts', 'screenshots')
const tag = crypto.randomBytes(3).toString('hex')
const ADMIN = `au_admin_${tag}`
const LOCKED = `au_locked_${tag}`
const FREE = `au_free_${tag}`
const PW = 'Passw0rd_Ok'

let ctx: BrowserContext
let close: () => Promise<void>
let page: Page

const row = (name: string) => page.getByTestId('users-table').locator('tr', { hasText: name })

async function search(name: string): Promise<void> {
  await page.getByLabel('Search by username').fill(name)
  await page.getByRole('button', { name: 'Search' }).click()
  await row(name).waitFor()
  await settle(page)
}

async function shots(name: string): Promise<void> {
  fs.mkdirSync(SHOTS, { recursive: true })
  for (const width of [1366, 390]) {
    await page.setViewportSize({ width, height: 860 })
    await page.waitForTimeout(250)
    await page.screenshot({ path: path.join(SHOTS, `admin-users-${name}-${width}.png`), fullPage: true })
  }
  await page.setViewportSize({ width: 1366, height: 860 })
}

describe.skipIf(!HAS_CHROMIUM)('admin users', () => {
  beforeAll(async () => {
    await createUsers([ADMIN], PW, 5, 'admin')
    await createUsers([LOCKED, FREE], PW)
    const sql = postgres(process.env.DATABASE_URL!, { max: 1, onnotice: () => undefined })
    await sql`update taguato.users set failed_login_attempts = 5, locked_until = now() + interval '15 minutes' where username = ${LOCKED}`
    await sql.end()
    ;({ ctx, close } = await launch('taguato-admin-users-'))
    page = ctx.pages()[0] ?? (await ctx.newPage())
    await page.setViewportSize({ width: 1366, height: 860 })
    await login(page, ADMIN, PW)
    await page.getByTestId('logout').waitFor()
    await go(page, '/admin/users')
    await page.getByTestId('users-table').waitFor()
  })

  afterAll(async () => {
    await close?.()
  })

  it('shows Unlock only on the locked user, and Temporary password for users without email', async () => {
    await search(LOCKED)
    expect(await row(LOCKED).getByRole('button', { name: 'Unlock' }).count()).toBe(1)
    expect(await row(LOCKED).getByRole('button', { name: 'Email reset' }).count()).toBe(0)
    expect(await row(LOCKED).getByRole('button', { name: 'Temporary password' }).count()).toBe(1)
    await shots('locked')
    await search(FREE)
    expect(await row(FREE).getByRole('button', { name: 'Unlock' }).count()).toBe(0)
    await shots('unlocked')
  })

  it('unlocking removes the button', async () => {
    await search(LOCKED)
    await row(LOCKED).getByRole('button', { name: 'Unlock' }).click()
    await toast(page, `${LOCKED} unlocked`).waitFor()
    await settle(page)
    expect(await row(LOCKED).getByRole('button', { name: 'Unlock' }).count()).toBe(0)
  })

  it('sets a temporary password and shows it once', async () => {
    await search(FREE)
    await row(FREE).getByRole('button', { name: 'Temporary password' }).click()
    await page.getByRole('button', { name: 'Set temporary password' }).click()
    const shown = page.getByTestId('temporary-password')
    await shown.waitFor()
    expect(await shown.textContent()).toMatch(/^[A-Za-z0-9]{4}-[A-Za-z0-9]{4}-[A-Za-z0-9]{4}$/)
    await shots('temporary-password')
    await page.keyboard.press('Escape')
  })

  it('after creating a user the list is not filtered to it unless the admin filtered', async () => {
    await page.getByLabel('Search by username').fill('')
    await page.getByRole('button', { name: 'Search' }).click()
    await settle(page)
    const name = `au_new_${tag}`
    await page.getByTestId('new-user').click()
    const form = page.getByTestId('user-form')
    await form.getByLabel('Username', { exact: true }).fill(name)
    await form.getByLabel('Initial password').fill(PW)
    await form.getByTestId('save-user').click()
    await row(name).waitFor()
    await settle(page)
    expect(await page.getByLabel('Search by username').inputValue()).toBe('')
    expect(await page.getByTestId('users-table').locator('tbody tr').count()).toBeGreaterThan(1)
  })
})

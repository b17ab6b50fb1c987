/**
 * Browser test of the send settings screens (gateway/panel/src/screens/send-settings-card.tsx and
 * admin-user-send-settings.tsx) against the stack scripts/test.ts booted: an admin sets an instance's
 * per-minute budget, warm-up and send mode, sees them and what applies now after a reload, clears a field
 * back to "not set" (null), gets a message for -1, for text and for a value over the gateway's bound
 * (its 400, as a toast), then sets the owner's per-minute budget in Admin -> Users and sees it apply to
 * the instance, which has none of its own. The owner (not an admin) sees no such card. At 1366 and
 * 390 px; screenshots: test-artifacts/screenshots/send-settings-*.png. Skipped without chromium.
 */
import crypto from 'node:crypto'
import type { Locator, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { api, CHROMIUM, createUsers, go, HAS_CHROMIUM, login, settle, shotAtWidth, toast, withSandboxInstance } from './helpers.js'

if (!HAS_CHROMIUM) console.warn(`[browser] SKIPPED send-settings: no chromium at ${CHROMIUM} (apt-get install -y chromium)`)

const tag = crypto.randomBytes(3).toString('hex')
const PASSWORD = 'Settings1Pass'
const OWNER = `ss_owner_${tag}`
const ADMIN = `ss_admin_${tag}`
const INSTANCE = `ss-${tag}`

type Settings = { per_minute: number | null; warmup_days: number | null; send_mode: string | null; effective: { per_minute: number; send_mode: string } }

let close: () => Promise<void>
let owner: Page
let admin: Page
let adminToken = ''

async function stored(): Promise<Settings> {
  const r = await api<Settings>('GET', `/admin/instances/${INSTANCE}/send-settings`, adminToken)
  expect(r.status).toBe(200)
  return r.body
}

async function openInstance(page: Page): Promise<Locator> {
  await go(page, `/instances/${INSTANCE}`)
  const card = page.getByTestId('send-settings-card')
  await card.getByTestId('ss-save').waitFor()
  await settle(page)
  return card
}

/** No sideways scrolling at the current width. */
async function fits(page: Page): Promise<void> {
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth)
  expect(overflow).toBeLessThanOrEqual(0)
}

describe.skipIf(!HAS_CHROMIUM)('panel: send settings (admin)', () => {
  beforeAll(async () => {
    const s = await withSandboxInstance({ prefix: 'taguato-send-settings-', user: OWNER, password: PASSWORD, instance: INSTANCE })
    ;({ close, page: owner } = s)
    await createUsers([ADMIN], PASSWORD, 5, 'admin')
    admin = await s.ctx.newPage()
    admin.on('pageerror', (e) => console.error(`[browser] page error: ${e.message}`))
    await admin.setViewportSize({ width: 1366, height: 900 })
    await login(admin, ADMIN, PASSWORD)
    await admin.getByTestId('whoami').waitFor()
    adminToken = (await admin.evaluate(() => sessionStorage.getItem('taguato_token'))) ?? ''
  }, 60_000)

  afterAll(async () => {
    await close?.()
  })

  it('the owner, not an admin, sees no send settings card', async () => {
    await go(owner, `/instances/${INSTANCE}`)
    await owner.getByTestId('health-card').locator('h2').waitFor()
    await settle(owner)
    expect(await owner.getByTestId('send-settings-card').count()).toBe(0)
  })

  it('an admin sets per minute, warm-up and send mode; after a reload they and what applies now show', async () => {
    let card = await openInstance(admin)
    expect(await card.getByTestId('ss-per_minute').inputValue()).toBe('')
    await card.getByTestId('ss-per_minute').fill('7')
    // No warm-up, so what applies now is the whole budget (a newly linked number starts at a fifth).
    await card.getByTestId('ss-warmup_days').fill('0')
    await card.getByTestId('ss-send_mode').selectOption('queue')
    await card.getByTestId('ss-save').click()
    await toast(admin, 'Send settings saved').waitFor()
    expect(await stored()).toMatchObject({ per_minute: 7, warmup_days: 0, send_mode: 'queue', effective: { per_minute: 7, send_mode: 'queue' } })

    await admin.reload()
    card = await openInstance(admin)
    expect(await card.getByTestId('ss-per_minute').inputValue()).toBe('7')
    expect(await card.getByTestId('ss-warmup_days').inputValue()).toBe('0')
    expect(await card.getByTestId('ss-new_recipients_per_day').inputValue()).toBe('')
    expect(await card.getByTestId('ss-send_mode').inputValue()).toBe('queue')
    expect(await card.getByTestId('ss-effective-per_minute').textContent()).toBe('7')
    expect(await card.getByTestId('ss-effective-send_mode').textContent()).toBe('queue')
    // The test stack's default for new recipients is 0: unlimited.
    expect(await card.getByTestId('ss-effective-new_recipients_per_day').textContent()).toBe('unlimited')
    await shotAtWidth(admin, 'send-settings-instance')
    await fits(admin)
  })

  it('an emptied field is saved as not set (null); only the changed field is sent', async () => {
    const card = await openInstance(admin)
    const sent = admin.waitForRequest((r) => r.method() === 'PUT' && r.url().endsWith(`/admin/instances/${INSTANCE}/send-settings`))
    await card.getByTestId('ss-per_minute').fill('')
    await card.getByTestId('ss-save').click()
    expect((await sent).postDataJSON()).toEqual({ per_minute: null })
    await toast(admin, 'Send settings saved').waitFor()
    expect(await stored()).toMatchObject({ per_minute: null, warmup_days: 0, send_mode: 'queue' })
    expect(await card.getByTestId('ss-per_minute').inputValue()).toBe('')
    expect(await card.getByTestId('ss-effective-per_minute').textContent()).toBe('unlimited')
  })

  it('refuses -1 and text with a message naming the field, and shows the gateway\'s refusal of a value over its bound', async () => {
    const card = await openInstance(admin)
    for (const bad of ['-1', 'seven']) {
      await card.getByTestId('ss-per_minute').fill(bad)
      await card.getByTestId('ss-save').click()
      expect(await card.getByTestId('ss-error').textContent()).toMatch(/^Sends per minute: type a whole number, 0 or more/)
    }
    await card.getByTestId('ss-per_minute').fill('100001')
    await card.getByTestId('ss-save').click()
    await toast(admin, /^Send settings not saved: .*100000/).waitFor()
    expect(await card.getByTestId('ss-error').count()).toBe(0)
    await shotAtWidth(admin, 'send-settings-refused')
    expect((await stored()).per_minute).toBeNull()
  })

  it("the owner's per minute, set in Admin -> Users, applies to the instance that has none of its own", async () => {
    await go(admin, '/admin/users')
    await admin.getByLabel('Search by username').fill(OWNER)
    await admin.getByRole('button', { name: 'Search' }).click()
    const row = admin.getByTestId('users-table').locator('tr', { hasText: OWNER })
    await row.waitFor()
    await settle(admin)
    await row.getByTestId('send-settings').click()
    const dialog = admin.getByRole('dialog')
    const form = dialog.getByTestId('user-send-settings-form')
    await form.getByTestId('ss-per_minute').fill('3')
    // The answer, not the toast: the earlier saves' toasts may still be showing.
    const saved = admin.waitForResponse((r) => r.request().method() === 'PUT' && /\/admin\/users\/\d+\/send-settings$/.test(r.url()))
    await form.getByTestId('ss-save').click()
    expect((await saved).status()).toBe(200)
    const instanceRow = dialog.getByTestId('user-send-settings-instances').locator('tr', { hasText: INSTANCE })
    await expect.poll(() => instanceRow.getByTestId('ss-row-per_minute').textContent()).toBe('3')
    expect(await instanceRow.getByTestId('ss-row-send_mode').textContent()).toBe('queue')
    await shotAtWidth(admin, 'send-settings-user')
    await admin.setViewportSize({ width: 390, height: 844 })
    await shotAtWidth(admin, 'send-settings-user')
    await fits(admin)
    await admin.keyboard.press('Escape')
    await admin.setViewportSize({ width: 1366, height: 900 })

    expect(await stored()).toMatchObject({ per_minute: null, effective: { per_minute: 3 } })
    const card = await openInstance(admin)
    expect(await card.getByTestId('ss-effective-per_minute').textContent()).toBe('3')
    expect(await card.getByText("Empty: the owner's 3 applies.", { exact: false }).count()).toBe(1)

    await admin.setViewportSize({ width: 390, height: 844 })
    await openInstance(admin)
    await shotAtWidth(admin, 'send-settings-instance')
    await fits(admin)
  })
})

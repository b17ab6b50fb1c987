/**
 * Browser test of the panel's error vocabulary on the send screens (gateway/panel/src/lib/errors.ts,
 * lib/send-readiness.ts, screens/instance-picker.tsx) against the stack scripts/test.ts booted
 * (UPSTREAM_DRIVER=sandbox, where numbers ending in 0000 are not on WhatsApp: upstream/src/lib/jid.ts).
 *
 * At 1366 and 390 px: a send to a number that is not on WhatsApp shows "+<number> is not on WhatsApp"
 * (never "Bad Request"), and History shows the same sentence instead of the upstream's raw JSON; an
 * instance that is not connected is offered disabled in the pickers of single send, bulk send and
 * Scheduled, and once no instance is connected every send button is disabled with the reason.
 * Screenshots: test-artifacts/screenshots/send-errors-<step>-<width>.png. Skipped without chromium.
 */
import crypto from 'node:crypto'
import type { Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { api, CHROMIUM, go, HAS_CHROMIUM, shotAtWidth, toast, withSandboxInstance } from './helpers.js'

if (!HAS_CHROMIUM) console.warn(`[browser] SKIPPED send-errors: no chromium at ${CHROMIUM} (apt-get install -y chromium)`)

const tag = crypto.randomBytes(3).toString('hex')
const PASSWORD = 'SendErr1Pass'
const USER = `senderr_${tag}`
/** Connected by the sandbox's scan. */
const ON = `on-${tag}`
/** Created, never linked. */
const OFF = `off-${tag}`
/** The sandbox says numbers ending in 0000 are not on WhatsApp. */
const NOT_ON_WHATSAPP = '595981230000'
const SENTENCE = `+${NOT_ON_WHATSAPP} is not on WhatsApp`
const WIDTHS = [1366, 390] as const

let page: Page
let token = ''
let close: () => Promise<void>

const shot = (step: string) => shotAtWidth(page, `send-errors-${step}`)

async function atWidth(width: number): Promise<void> {
  await page.setViewportSize({ width, height: width < 500 ? 844 : 900 })
}

/** Opens a screen afresh (its pickers load the instance states on mount). */
async function open(hash: string): Promise<void> {
  await go(page, '/dashboard')
  await go(page, hash)
}

const option = (scope: ReturnType<Page['getByTestId']>, name: string) => scope.getByTestId('instance-picker').locator(`option[value="${name}"]`)

describe.skipIf(!HAS_CHROMIUM)('panel: send errors', () => {
  beforeAll(async () => {
    ;({ page, token, close } = await withSandboxInstance({ prefix: 'taguato-send-errors-', user: USER, password: PASSWORD, instance: ON }))
    const off = await api('POST', '/instance/create', token, { instanceName: OFF, integration: 'WHATSAPP-BAILEYS' })
    expect(off.status, JSON.stringify(off.body)).toBe(201)
    // Both are listed (the pickers' source) before any form is opened.
    let names: (string | undefined)[] = []
    for (const until = Date.now() + 15_000; Date.now() < until; await page.waitForTimeout(300)) {
      names = (await api<{ name?: string }[]>('GET', '/instance/fetchInstances', token)).body.map((i) => i.name)
      if (names.includes(OFF) && names.includes(ON)) break
    }
    expect(names.sort()).toEqual([OFF, ON].sort())
    // Created behind the panel's back (the API): a fresh page loads the instance model with both.
    await page.reload()
    await page.getByTestId('whoami').waitFor({ state: 'attached' })
  })

  afterAll(async () => {
    await close?.()
  })

  for (const width of WIDTHS) {
    it(`${width} px: a send to a number not on WhatsApp says so, and History says it the same way`, async () => {
      await atWidth(width)
      await open('/messages')
      const form = page.getByTestId('single-send')
      // The connected instance is chosen; the other one is offered but cannot be picked.
      await expect.poll(() => form.getByLabel('Instance').inputValue(), { timeout: 10_000 }).toBe(ON)
      expect(await option(form, OFF).isDisabled()).toBe(true)
      expect(await option(form, OFF).innerText()).toMatch(/not connected: connect it first/)
      expect(await form.getByTestId('send-single').isDisabled()).toBe(false)

      await form.getByLabel('To (number with country code)').fill(`+${NOT_ON_WHATSAPP.slice(0, 3)} ${NOT_ON_WHATSAPP.slice(3)}`)
      await form.getByLabel('Message', { exact: true }).fill(`Hola (${width})`)
      await form.getByTestId('send-single').click()
      await toast(page, SENTENCE).waitFor({ timeout: 20_000 })
      expect(await page.locator('.toast', { hasText: /Bad Request|Internal Server Error/ }).count()).toBe(0)
      await shot('not-on-whatsapp')

      // The log row is written right after the upstream answered: refresh until it shows. At 1366 px
      // the Error column says it; on a phone the compact row hides that column and the detail says it.
      await open('/history')
      const row = page.getByTestId('history-table').locator('tr', { hasText: `Hola (${width})` }).first()
      await expect
        .poll(async () => {
          if (await row.isVisible()) return true
          await page.getByRole('button', { name: 'Refresh' }).click()
          return row.waitFor({ timeout: 1_500 }).then(() => true, () => false)
        }, { timeout: 20_000 })
        .toBe(true)
      if (width > 500) expect(await row.getByTestId('history-error').innerText()).toContain(SENTENCE)
      expect(await page.getByTestId('history-table').innerText()).not.toContain('"exists"')
      await shot('history')
      await row.getByTestId('history-text').click()
      const timeline = page.getByTestId('history-timeline')
      await expect.poll(() => timeline.innerText().catch(() => ''), { timeout: 10_000 }).toContain(SENTENCE)
      expect(await page.getByTestId('history-detail').innerText()).not.toContain('"exists"')
      await shot('history-detail')
      await page.keyboard.press('Escape')
    })
  }

  it('with no connected instance, every send form is disabled with the reason', async () => {
    const out = await api('DELETE', `/instance/logout/${ON}`, token)
    expect(out.status, JSON.stringify(out.body)).toBeLessThan(300)
    // The pickers read GET /instance/fetchInstances: wait until it no longer says open.
    const listed = async () => (await api<{ name?: string; connectionStatus?: string }[]>('GET', `/instance/fetchInstances?instanceName=${ON}`, token)).body
    await expect.poll(async () => (await listed())[0]?.connectionStatus, { timeout: 15_000 }).not.toBe('open')
    // A fresh page: what this test checks is the forms, not how fast the live model hears of a logout.
    await page.reload()
    await page.getByTestId('whoami').waitFor({ state: 'attached' })

    for (const width of WIDTHS) {
      await atWidth(width)
      await open('/messages')
      const single = page.getByTestId('single-send')
      await expect.poll(() => single.getByTestId('send-single-blocked').innerText().catch(() => ''), { timeout: 15_000 }).toMatch(/ is not connected: connect it first/)
      expect(await single.getByTestId('send-single').isDisabled()).toBe(true)
      expect(await option(single, ON).isDisabled()).toBe(true)
      expect(await option(single, OFF).isDisabled()).toBe(true)
      await shot('single-disabled')

      await page.getByTestId('tab-bulk').click()
      const bulk = page.getByTestId('bulk-form')
      await expect.poll(() => bulk.getByTestId('send-bulk-blocked').innerText().catch(() => ''), { timeout: 15_000 }).toMatch(/ is not connected: connect it first/)
      expect(await bulk.getByTestId('send-bulk').isDisabled()).toBe(true)
      await shot('bulk-disabled')

      await open('/scheduled')
      const scheduled = page.getByRole('form', { name: 'Schedule a message' })
      await expect.poll(() => scheduled.getByTestId('send-scheduled-blocked').innerText().catch(() => ''), { timeout: 15_000 }).toMatch(/ is not connected: connect it first/)
      expect(await scheduled.getByTestId('send-scheduled').isDisabled()).toBe(true)
      await shot('scheduled-disabled')
    }
  })
})

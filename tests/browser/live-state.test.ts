/**
 * Browser test of the panel's live instance state (lib/instance-state fed by GET /api/events), against
 * the stack scripts/test.ts booted (UPSTREAM_DRIVER=sandbox), at 1366 and 390 px:
 * - an instance created through the API and left waiting for a scan: its card says Connecting; the
 *   sandbox scan flips it to Connected without a reload and without a poll (no list or state request
 *   between the scan and the flip: the change was pushed);
 * - the connect window ends with "Linked as +<number>" after the scan;
 * - the pairing-code tab restarts a running QR attempt with the number instead of refusing;
 * - an instance created, then deleted through the API appears on and leaves the Instances screen, and a
 *   logout through the API flips its card and disables the single send, all without a reload.
 * Screenshots go to test-artifacts/screenshots/live-state-*-{1366,390}.png. Skipped without chromium.
 */
import crypto from 'node:crypto'
import fs from 'node:fs'
import path from 'node:path'
import type { Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { api, CHROMIUM, createUsers, go, HAS_CHROMIUM, launch, login, upstream } from './helpers.js'

if (!HAS_CHROMIUM) console.warn(`[browser] SKIPPED live state: no chromium at ${CHROMIUM} (apt-get install -y chromium)`)

const tag = crypto.randomBytes(3).toString('hex')
const PASSWORD = 'LiveState1Pass'
const USER = `live_${tag}`
const SHOTS = path.resolve(process.env.REPO_ROOT ?? process.cwd(), 'test-artifacts', 'screenshots')
const WIDTHS = [1366, 390] as const

let close: () => Promise<void>
let page: Page
const consoleErrors: string[] = []
/** Live streams the gateway accepted (200 on GET /api/events?ticket=…). */
let streamsOpened = 0

const token = async () => (await page.evaluate(() => sessionStorage.getItem('taguato_token')))!

async function shot(name: string, width: number): Promise<void> {
  fs.mkdirSync(SHOTS, { recursive: true })
  await page.waitForTimeout(300)
  await page.screenshot({ path: path.join(SHOTS, `live-state-${name}-${width}.png`), fullPage: true })
}

/** An instance created through the API with a QR attempt running (as a script would leave it). */
async function apiInstance(name: string): Promise<void> {
  const t = await token()
  expect((await api('POST', '/instance/create', t, { instanceName: name, integration: 'WHATSAPP-BAILEYS' })).status).toBe(201)
  expect((await api('GET', `/instance/connect/${name}`, t)).status).toBe(200)
}

/** Creates a WhatsApp Web instance through the form; the connect window opens with a QR code. */
async function createThroughForm(name: string) {
  await go(page, '/instances')
  const form = page.getByTestId('create-instance-form')
  await form.getByLabel('New instance name').fill(name)
  await form.getByTestId('create-instance').click()
  const modal = page.getByTestId('connect-modal')
  await modal.getByTestId('qr').waitFor({ timeout: 20_000 })
  return modal
}

const scan = async (name: string) => expect((await upstream('POST', `/sandbox/instances/${name}/scan`)).status).toBe(200)

describe.skipIf(!HAS_CHROMIUM)('panel: live instance state', () => {
  beforeAll(async () => {
    await createUsers([USER], PASSWORD, 20)
    const b = await launch('taguato-live-')
    close = b.close
    page = b.ctx.pages()[0] ?? (await b.ctx.newPage())
    page.on('pageerror', (e) => console.error(`[browser] page error: ${e.message}`))
    page.on('console', (m) => void (m.type() === 'error' && consoleErrors.push(m.text())))
    page.on('response', (r) => void (r.url().includes('/api/events?ticket=') && r.status() === 200 && streamsOpened++))
    await login(page, USER, PASSWORD)
    await page.getByTestId('whoami').waitFor()
  })

  afterAll(async () => {
    await close?.()
  })

  for (const width of WIDTHS) {
    it(`${width} px: an API-created instance flips from Connecting to Connected when the sandbox links it, without reload or poll`, async () => {
      await page.setViewportSize({ width, height: width > 800 ? 860 : 844 })
      const name = `live-card-${width}-${tag}`
      await apiInstance(name)
      await go(page, '/instances')
      const card = page.getByTestId(`instance-${name}`)
      // Not linked yet: Connecting while its QR attempt runs, or Disconnected once the attempt has ended
      // (on a loaded machine the card may first render after that); either way not Connected.
      await card.locator('.badge', { hasText: /Connecting|Disconnected/ }).waitFor({ timeout: 20_000 })
      await shot('card-connecting', width)

      // The stream is up (the gateway answered it); from here no request may carry the change.
      await expect.poll(() => streamsOpened, { timeout: 10_000 }).toBeGreaterThan(0)
      await page.waitForTimeout(300)
      await page.evaluate(() => ((window as unknown as { liveMarker: number }).liveMarker = 1))
      const polled: string[] = []
      const watch = (r: { url(): string }) => void (/\/instance\/(fetchInstances|connectionState)/.test(r.url()) && polled.push(r.url()))
      page.on('request', watch)
      const started = Date.now()
      await scan(name)
      await card.locator('.badge', { hasText: 'Connected' }).waitFor({ timeout: 8_000 })
      page.off('request', watch)
      expect(polled, 'the flip came from the stream, not a poll').toEqual([])
      expect(Date.now() - started).toBeLessThan(8_000)
      expect(await page.evaluate(() => (window as unknown as { liveMarker?: number }).liveMarker)).toBe(1)
      expect(await card.innerText()).toMatch(/\+\d{8,}/)
      await shot('card-connected', width)
    })

    it(`${width} px: the connect window ends with "Linked as +…"`, async () => {
      await page.setViewportSize({ width, height: width > 800 ? 860 : 844 })
      const name = `live-link-${width}-${tag}`
      const modal = await createThroughForm(name)
      await scan(name)
      await expect.poll(() => modal.getByTestId('connected').innerText().catch(() => ''), { timeout: 10_000 }).toMatch(/Linked as \+\d{8,}/)
      await page.getByTestId(`instance-${name}`).locator('.badge', { hasText: 'Connected' }).waitFor()
      await shot('connect-linked', width)
      await modal.getByRole('button', { name: 'Done' }).click()
      await expect.poll(() => page.getByTestId('connect-modal').count()).toBe(0)
    })
  }

  it('an instance created, then deleted through the API appears on and leaves the Instances screen without reload', async () => {
    await page.setViewportSize({ width: 1366, height: 860 })
    await go(page, '/instances')
    await page.getByTestId('create-instance-form').waitFor()
    await expect.poll(() => streamsOpened, { timeout: 10_000 }).toBeGreaterThan(0)
    await page.evaluate(() => ((window as unknown as { liveMarker: number }).liveMarker = 2))
    const name = `live-api-${tag}`
    const t = await token()
    expect((await api('POST', '/instance/create', t, { instanceName: name, integration: 'WHATSAPP-BAILEYS' })).status).toBe(201)
    const card = page.getByTestId(`instance-${name}`)
    await card.waitFor({ timeout: 8_000 })
    await shot('card-api-created', 1366)
    expect((await api('DELETE', `/instance/delete/${name}`, t)).status).toBe(200)
    await expect.poll(() => card.count(), { timeout: 8_000 }).toBe(0)
    expect(await page.evaluate(() => (window as unknown as { liveMarker?: number }).liveMarker)).toBe(2)
  })

  it('a logout through the API flips the card and disables the single send without reload', async () => {
    await page.setViewportSize({ width: 1366, height: 860 })
    const name = `live-out-${tag}`
    await apiInstance(name)
    await scan(name)
    await go(page, '/instances')
    const card = page.getByTestId(`instance-${name}`)
    await card.locator('.badge', { hasText: 'Connected' }).waitFor({ timeout: 10_000 })
    await go(page, '/messages')
    await page.getByTestId('instance-picker').selectOption(name)
    const send = page.getByTestId('send-single')
    await expect.poll(() => send.isEnabled(), { timeout: 8_000 }).toBe(true)
    await page.evaluate(() => ((window as unknown as { liveMarker: number }).liveMarker = 3))
    expect((await api('DELETE', `/instance/logout/${name}`, await token())).status).toBe(200)
    await expect.poll(() => send.isDisabled(), { timeout: 8_000 }).toBe(true)
    expect(await page.getByTestId('instance-picker').inputValue()).toBe(name)
    await shot('send-after-logout', 1366)
    await go(page, '/instances')
    await card.locator('.badge', { hasText: 'Disconnected' }).waitFor({ timeout: 8_000 })
    expect(await page.evaluate(() => (window as unknown as { liveMarker?: number }).liveMarker)).toBe(3)
  })

  it('the pairing tab restarts a running QR attempt, and its number field is checked', async () => {
    await page.setViewportSize({ width: 1366, height: 860 })
    const name = `live-pair-${tag}`
    const modal = await createThroughForm(name)
    await modal.getByTestId('tab-pairing').click()
    const field = modal.getByLabel('Phone number (with country code, digits only)')
    await field.fill('abc')
    expect(await field.evaluate((el) => (el as HTMLInputElement).validity.patternMismatch)).toBe(true)
    await field.fill('+595 981 123456')
    expect(await field.evaluate((el) => (el as HTMLInputElement).validity.valid)).toBe(true)
    await modal.getByTestId('get-pairing-code').click()
    await expect.poll(() => modal.getByTestId('pairing-code').innerText().catch(() => ''), { timeout: 15_000 }).toMatch(/^[A-Z0-9]{8}$/)
    await shot('connect-pairing', 1366)
    await page.keyboard.press('Escape')
    expect(consoleErrors.filter((e) => /pattern|Invalid regular expression/i.test(e))).toEqual([])
  })
})

/**
 * Browser tests of the panel's instance screens for the two WhatsApp drivers, against the stack
 * scripts/test.ts booted (UPSTREAM_DRIVER=sandbox, no autoconnect):
 * - a Cloud API instance created through the form (the sandbox simulates WHATSAPP-BUSINESS: it opens
 *   at once), its integration, phone number id and token shown only as "set", and a token replaced;
 * - a WhatsApp Web instance: the QR follows a new attempt, the pairing-code tab with its number field,
 *   and the last disconnect reason in words after a forced drop (428) and a logout (401);
 * - the Replies view: an inbound message injected through the sandbox, filters, the empty state, and
 *   another user who cannot see it.
 * Its two users are written straight into the database (bcrypt, no forced password change), so this
 * file needs neither the admin nor panel.test.ts. Skipped without chromium.
 */
import crypto from 'node:crypto'
import type { Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { api, CHROMIUM, createUsers, go, HAS_CHROMIUM, launch, login, shoot, toast, upstream } from './helpers.js'

if (!HAS_CHROMIUM) console.warn(`[browser] SKIPPED instance drivers: no chromium at ${CHROMIUM} (apt-get install -y chromium)`)

const tag = crypto.randomBytes(3).toString('hex')
const PASSWORD = 'Drivers1Pass'
const OWNER = `drv_${tag}`
const STRANGER = `drv2_${tag}`
const CLOUD = `cloud-${tag}`
const WEB = `web-${tag}`
const PAIR = `pair-${tag}`
const PHONE_NUMBER_ID = `10654${String(Date.now()).slice(-8)}`
const TOKEN = `EAAG-secret-${crypto.randomBytes(8).toString('hex')}`
const NEW_TOKEN = `EAAG-newer-${crypto.randomBytes(8).toString('hex')}`
const CONTACT = `5959873${String(Date.now()).slice(-5)}`

let close: () => Promise<void>
let owner: Page
let stranger: Page

const token = (page: Page) => page.evaluate(() => sessionStorage.getItem('taguato_token'))

/** Reloads the instance screen until `testid` shows `text` (the state behind it changes asynchronously). */
async function waitOnDetail(page: Page, name: string, testid: string, text: RegExp): Promise<void> {
  const el = page.getByTestId(testid)
  await expect
    .poll(async () => {
      await go(page, '/instances')
      await page.getByTestId(`instance-${name}`).waitFor()
      await go(page, `/instances/${name}`)
      return el.waitFor({ timeout: 2_000 }).then(() => el.innerText(), () => '')
    }, { timeout: 20_000 })
    .toMatch(text)
}

describe.skipIf(!HAS_CHROMIUM)('panel: WhatsApp drivers and replies', () => {
  beforeAll(async () => {
    await createUsers([OWNER, STRANGER], PASSWORD)
    const b = await launch('taguato-drivers-')
    close = b.close
    owner = b.ctx.pages()[0] ?? (await b.ctx.newPage())
    stranger = await b.ctx.newPage()
    for (const [p, u] of [[owner, OWNER], [stranger, STRANGER]] as const) {
      p.on('pageerror', (e) => console.error(`[browser] page error: ${e.message}`))
      await login(p, u, PASSWORD)
      await p.getByTestId('whoami').waitFor()
    }
  })

  afterAll(async () => {
    await close?.()
  })

  it('creates a Cloud API instance through the form; the token is never shown back', async () => {
    await go(owner, '/instances')
    const form = owner.getByTestId('create-instance-form')
    await form.getByLabel('New instance name').fill(CLOUD)
    await form.getByLabel('Integration').selectOption('WHATSAPP-BUSINESS')
    await form.getByLabel('Access token').fill(TOKEN)
    expect(await form.getByLabel('Access token').getAttribute('type')).toBe('password')
    // The client-side check mirrors the gateway's: a phone number instead of its id is refused before any request.
    await form.getByLabel('Phone number id').fill('+595 981')
    let posted = 0
    const count = (r: { url(): string; method(): string }) => void (r.method() === 'POST' && r.url().endsWith('/instance/create') && posted++)
    owner.on('request', count)
    await form.getByTestId('create-instance').click()
    await form.getByTestId('create-error').filter({ hasText: 'not the phone number' }).waitFor()
    expect(posted).toBe(0)
    await form.getByLabel('Phone number id').fill(PHONE_NUMBER_ID)
    await form.getByLabel('Business account id (WABA)').fill('2200000000000')
    await form.getByTestId('create-instance').click()
    await toast(owner, `Instance ${CLOUD} created`).waitFor()
    owner.off('request', count)
    expect(posted).toBe(1)
    expect(await form.getByLabel('Access token').inputValue()).toBe('')
    // No QR window for the Cloud API; the sandbox opens a WHATSAPP-BUSINESS instance at once.
    expect(await owner.getByTestId('connect-modal').count()).toBe(0)
    const card = owner.getByTestId(`instance-${CLOUD}`)
    await card.getByText('WhatsApp Cloud API').waitFor()
    await card.locator('.badge', { hasText: 'Connected' }).waitFor()

    await go(owner, `/instances/${CLOUD}`)
    const conn = owner.getByTestId('connection-card')
    await conn.getByTestId('integration').filter({ hasText: 'WhatsApp Cloud API' }).waitFor()
    expect(await conn.getByTestId('phone-number-id').innerText()).toBe(PHONE_NUMBER_ID)
    expect(await conn.getByTestId('token-state').innerText()).toMatch(/set \(hidden\)/i)
    expect(await owner.getByTestId('connect').count()).toBe(0) // open: Disconnect, not Connect
    expect(await owner.content()).not.toContain(TOKEN)
    await shoot(owner, 'drivers-cloud-instance')

    // Replacing the token re-creates the instance with the same ids (there is no token-update route).
    await conn.getByLabel('New access token').fill(NEW_TOKEN)
    await conn.getByTestId('replace-token').click()
    await owner.getByTestId('confirm-ok').click()
    await toast(owner, `Token of ${CLOUD} replaced`).waitFor()
    await waitOnDetail(owner, CLOUD, 'token-state', /set \(hidden\)/i)
    expect(await owner.getByTestId('phone-number-id').innerText()).toBe(PHONE_NUMBER_ID)
    const html = await owner.content()
    expect(html).not.toContain(TOKEN)
    expect(html).not.toContain(NEW_TOKEN)
  })

  it('WhatsApp Web: the QR follows a new attempt, and the pairing-code tab asks for a number', async () => {
    await go(owner, '/instances')
    const form = owner.getByTestId('create-instance-form')
    await form.getByLabel('New instance name').fill(WEB)
    expect(await form.getByLabel('Integration').inputValue()).toBe('WHATSAPP-BAILEYS')
    await form.getByTestId('create-instance').click()
    const modal = owner.getByTestId('connect-modal')
    const qr = modal.getByTestId('qr')
    await qr.waitFor({ timeout: 20_000 })
    const first = await qr.getAttribute('src')
    expect(first).toMatch(/^data:image\/png;base64,/)
    // A restart starts a new attempt with a new QR: the window's 3 s poll must show it, unprompted.
    const t = await token(owner)
    expect((await api('POST', `/instance/restart/${WEB}`, t)).status).toBeLessThan(300)
    await expect.poll(() => qr.getAttribute('src'), { timeout: 15_000 }).not.toBe(first)
    await modal.getByTestId('tab-pairing').click()
    await modal.getByLabel('Phone number (with country code, digits only)').waitFor()
    await shoot(owner, 'drivers-connect-qr')
    await owner.keyboard.press('Escape')

    // A fresh instance linked by phone number: the pairing tab opens first and no QR attempt runs before it.
    expect((await api('POST', '/instance/create', t, { instanceName: PAIR, integration: 'WHATSAPP-BAILEYS' })).status).toBe(201)
    await go(owner, `/instances/${PAIR}`)
    await owner.getByTestId('connect-pairing').click()
    const pairing = owner.getByTestId('connect-modal')
    await pairing.getByLabel('Phone number (with country code, digits only)').fill('+595 981 123456')
    await pairing.getByTestId('get-pairing-code').click()
    await expect.poll(() => pairing.getByTestId('pairing-code').innerText(), { timeout: 15_000 }).toMatch(/^[A-Z0-9]{8}$/)
    await shoot(owner, 'drivers-pairing-code')
    await owner.keyboard.press('Escape')
  })

  it('shows the last disconnect reason in words: a dropped connection (428) and a logout from the phone (401)', async () => {
    expect((await upstream('POST', `/sandbox/instances/${WEB}/scan`)).status).toBe(200)
    await waitOnDetail(owner, WEB, 'instance-state', /open/)
    expect(await owner.getByTestId('disconnect-reason').count()).toBe(0)
    expect((await upstream('POST', `/sandbox/instances/${WEB}/drop`)).status).toBe(200)
    await waitOnDetail(owner, WEB, 'disconnect-reason', /Connection lost: reconnecting.*code 428/)
    await shoot(owner, 'drivers-reason-428')

    expect((await upstream('POST', `/sandbox/instances/${PAIR}/scan`)).status).toBe(200)
    // Straight to the upstream: through the gateway a bodiless DELETE /instance/logout currently answers
    // an empty 400 (a gateway bug being fixed elsewhere); the reason recorded is the same.
    expect((await upstream('DELETE', `/instance/logout/${PAIR}`)).status).toBe(200)
    await waitOnDetail(owner, PAIR, 'disconnect-reason', /Logged out from the phone: scan the QR code again.*code 401/)
  })

  it('the Replies view lists what a contact wrote; another user sees none of it', async () => {
    await go(owner, `/instances/${PAIR}/replies`)
    await owner.getByTestId('replies').getByText('No replies yet').waitFor()

    expect((await upstream('POST', `/sandbox/instances/${WEB}/scan`)).status).toBe(200)
    const sent = await upstream<{ message: { key: { id: string } } }>('POST', `/sandbox/instances/${WEB}/inbound`, { number: CONTACT, text: 'Hola, ¿tienen stock?' })
    expect(sent.status).toBe(200)
    await go(owner, `/instances/${WEB}`)
    await owner.getByTestId('replies-link').click()
    await expect.poll(() => owner.url()).toMatch(new RegExp(`#/instances/${WEB}/replies$`))
    const row = owner.getByTestId('replies-table').locator('tr', { hasText: CONTACT })
    await expect
      .poll(async () => {
        if (await row.isVisible()) return true
        await owner.getByRole('button', { name: 'Refresh' }).click()
        return row.waitFor({ timeout: 1_500 }).then(() => true, () => false)
      }, { timeout: 20_000 })
      .toBe(true)
    const text = await row.innerText()
    expect(text).toContain('Hola, ¿tienen stock?')
    expect(text).toContain(`+${CONTACT}`)
    expect(text).toMatch(/\btext\b/)
    await shoot(owner, 'drivers-replies')

    const filters = owner.getByRole('form', { name: 'Filter replies' })
    await filters.getByLabel('From number').fill('000000')
    await filters.getByRole('button', { name: 'Filter' }).click()
    await owner.getByText('No replies match these filters.').waitFor()
    await filters.getByLabel('From number').fill(`+${CONTACT.slice(0, 3)} ${CONTACT.slice(3)}`)
    await filters.getByRole('button', { name: 'Filter' }).click()
    await row.waitFor()

    await go(stranger, `/instances/${WEB}/replies`)
    await toast(stranger, 'You do not own this instance').waitFor()
    expect(await stranger.getByText('Hola, ¿tienen stock?').count()).toBe(0)
    expect((await api('GET', `/api/messages/inbound?instance=${WEB}`, await token(stranger))).status).toBe(403)
    const all = await api<{ messages: { instance_name: string }[] }>('GET', '/api/messages/inbound', await token(stranger))
    expect(all.body.messages).toEqual([])
  })
})

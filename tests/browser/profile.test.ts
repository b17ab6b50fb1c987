/**
 * Browser test of the panel's instance Profile view (gateway/panel/src/screens/profile.tsx,
 * profile-privacy.tsx, proxy-form.tsx) against the stack scripts/test.ts booted (UPSTREAM_DRIVER=sandbox).
 * At 1366 px: reached from the instance's page; the profile name and the "about" text changed from their
 * forms and still shown after the page is reloaded (read back with POST /chat/fetchProfile); a picture
 * from a file set and removed; the privacy
 * settings saved with all six keys; a refused proxy shows the refusal's words under its form, and its
 * password field is never filled in. At 390 px: nothing wider than the screen.
 * Screenshots: /tmp/taguato-profile-1366.png, /tmp/taguato-profile-390.png. Skipped without chromium.
 *
 * Upstream routes it needs: POST /chat/fetchProfile, /chat/updateProfileName, /chat/updateProfileStatus,
 * /chat/updateProfilePicture, DELETE /chat/removeProfilePicture,
 * /chat/updatePrivacySettings; GET /chat/fetchPrivacySettings, /proxy/find; POST /proxy/set; and the
 * sandbox's /instances/:name/scan.
 */
import crypto from 'node:crypto'
import type { Page, Request } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { CHROMIUM, HAS_CHROMIUM, openInstancePage, toast, withSandboxInstance } from './helpers.js'

if (!HAS_CHROMIUM) console.warn(`[browser] SKIPPED profile: no chromium at ${CHROMIUM} (apt-get install -y chromium)`)

const tag = crypto.randomBytes(3).toString('hex')
const PASSWORD = 'Profile1Pass'
const USER = `profile_${tag}`
const INSTANCE = `prf-${tag}`
const NEW_NAME = `Tienda ${tag}`
/** A 1x1 PNG. */
const PNG = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg=='
const NEW_ABOUT = `Abierto de 8 a 18 (${tag})`

let page: Page
let close: () => Promise<void>
/** Bodies of every POST /chat/updatePrivacySettings the page sent. */
const privacyBodies: Record<string, string>[] = []

describe.skipIf(!HAS_CHROMIUM)('panel: instance profile', () => {
  beforeAll(async () => {
    ;({ page, close } = await withSandboxInstance({ prefix: 'taguato-profile-', user: USER, password: PASSWORD, instance: INSTANCE }))
    page.on('request', (r: Request) => {
      if (r.method() === 'POST' && r.url().includes('/chat/updatePrivacySettings/')) privacyBodies.push(r.postDataJSON() as Record<string, string>)
    })
  })

  afterAll(async () => {
    await close?.()
  })

  it('1366 px: rename, new about text and a picture; the texts still shown after a reload', async () => {
    await openInstancePage(page, INSTANCE, 'profile')
    await page.getByTestId('profile-name').waitFor()

    const nameForm = page.getByTestId('profile-name-form')
    await nameForm.getByLabel('Profile name').fill(NEW_NAME)
    await nameForm.getByRole('button', { name: 'Save' }).click()
    await toast(page, 'Profile name saved').waitFor()
    const aboutForm = page.getByTestId('profile-about-form')
    await aboutForm.getByLabel('About').fill(NEW_ABOUT)
    await aboutForm.getByRole('button', { name: 'Save' }).click()
    await toast(page, 'About text saved').waitFor()

    // A picture from a file, then removed.
    const pictureForm = page.getByTestId('profile-picture-form')
    await pictureForm.getByLabel('Image file').setInputFiles({ name: 'dot.png', mimeType: 'image/png', buffer: Buffer.from(PNG, 'base64') })
    const sent = page.waitForRequest((r) => r.url().includes('/chat/updateProfilePicture/'))
    await pictureForm.getByRole('button', { name: 'Set profile picture' }).click()
    expect((await sent).postDataJSON()).toEqual({ picture: PNG })
    await toast(page, 'Profile picture updated').waitFor()
    await page.getByRole('button', { name: 'Remove picture' }).click()
    await page.getByTestId('confirm-ok').click()
    await toast(page, 'Profile picture removed').waitFor()

    await page.reload()
    await expect.poll(() => page.getByTestId('profile-name').innerText(), { timeout: 10_000 }).toBe(NEW_NAME)
    await expect.poll(() => page.getByTestId('profile-about').innerText(), { timeout: 10_000 }).toBe(NEW_ABOUT)
    expect(await page.getByTestId('profile-name-form').getByLabel('Profile name').inputValue()).toBe(NEW_NAME)
  })

  it('1366 px: privacy settings go with all six keys; a refused proxy says why; no password shown', async () => {
    const privacy = page.getByTestId('privacy-form')
    await privacy.getByLabel('Last seen').waitFor()
    await privacy.getByLabel('Last seen').selectOption('none')
    await privacy.getByRole('button', { name: 'Save privacy settings' }).click()
    await toast(page, 'Privacy settings saved').waitFor()
    expect(Object.keys(privacyBodies.at(-1) ?? {}).sort()).toEqual(['groupadd', 'last', 'online', 'profile', 'readreceipts', 'status'])
    expect(privacyBodies.at(-1)!.last).toBe('none')

    // A private address is refused (the gateway checks proxy hosts like webhook URLs; a plain user may not
    // set a proxy at all): the form shows the answer's words, never a bare "Bad Request".
    const proxy = page.getByTestId('proxy-form')
    expect(await proxy.getByLabel('Password (optional)').inputValue()).toBe('')
    await proxy.getByLabel('Use a proxy').check()
    await proxy.getByLabel('Host').fill('127.0.0.1')
    await proxy.getByLabel('Port').fill('3128')
    await proxy.getByRole('button', { name: 'Save proxy' }).click()
    const alert = proxy.getByRole('alert')
    await alert.waitFor()
    expect((await alert.innerText()).trim()).not.toMatch(/^(Bad Request|Request failed)/)
    await page.screenshot({ path: '/tmp/taguato-profile-1366.png', fullPage: true })
  })

  it('390 px: the profile page fits the screen', async () => {
    await page.setViewportSize({ width: 390, height: 844 })
    await page.reload()
    await page.getByTestId('profile-name').waitFor()
    await page.getByTestId('proxy-form').waitFor()
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390)
    await page.screenshot({ path: '/tmp/taguato-profile-390.png', fullPage: true })
    await page.setViewportSize({ width: 1280, height: 860 })
  })
})

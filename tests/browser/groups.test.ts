/**
 * Browser test of the panel's Groups view (gateway/panel/src/screens/groups.tsx, group-detail.tsx,
 * group-participants.tsx, group-invite.tsx) against the stack scripts/test.ts booted (UPSTREAM_DRIVER=sandbox:
 * groups are simulated, numbers ending in 0000 are not on WhatsApp, a group we create has us as superadmin).
 * At 1366 px and at 390 px: reached from the instance's page, a group created from the form (its page opens),
 * a participant added (and one WhatsApp refuses, with the reason shown), a picture from a file, the invite link copied to the
 * clipboard (the browser context is granted clipboard access) and revoked, the list showing name, count
 * and role; an Evolution 400 (a participant number too short) shown in the form's words. Nothing wider
 * than the screen at 390 px, where the group is left at the end. Screenshots: /tmp/taguato-groups-1366.png, /tmp/taguato-groups-390.png.
 * Its user is written straight into the database. Skipped without chromium.
 *
 * Upstream routes it needs: GET /group/fetchAllGroups, /group/findGroupInfos, /group/participants,
 * /group/inviteCode; POST /group/create, /group/updateParticipant, /group/updateGroupPicture,
 * /group/revokeInviteCode; DELETE /group/leaveGroup; and the
 * sandbox's /instances/:name/scan.
 */
import crypto from 'node:crypto'
import type { Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { CHROMIUM, go, HAS_CHROMIUM, openInstancePage, toast, withSandboxInstance } from './helpers.js'

if (!HAS_CHROMIUM) console.warn(`[browser] SKIPPED groups: no chromium at ${CHROMIUM} (apt-get install -y chromium)`)

const tag = crypto.randomBytes(3).toString('hex')
const PASSWORD = 'Groups1Pass'
const USER = `groups_${tag}`
const INSTANCE = `grp-${tag}`
const stamp = String(Date.now()).slice(-5)
/** Numbers the sandbox says are on WhatsApp (not ending in 0000). */
const MEMBER = `5959871${stamp}`
const ADDED = `5959872${stamp}`
const ADDED_390 = `5959873${stamp}`
const NOT_ON_WHATSAPP = '595981230000'
/** A 1x1 PNG. */
const PNG = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg=='
const INVITE = /^https:\/\/chat\.whatsapp\.com\/[A-Za-z0-9]{22}$/

let close: () => Promise<void>
let page: Page

const participant = (n: string) => page.getByTestId('participant').and(page.locator(`[data-number="${n}"]`))

/** Creates a group from the Groups screen's form; its page opens with us as its owner. */
async function createGroup(subject: string, members: string[]): Promise<void> {
  const form = page.getByTestId('create-group')
  await form.getByLabel('Subject').fill(subject)
  await form.getByLabel('Participants').fill(members.join(', '))
  await form.getByLabel('Description (optional)').fill(`Created by the browser test ${tag}`)
  await form.getByTestId('create-group-submit').click()
  await page.getByTestId('group-detail').waitFor()
  await expect.poll(() => page.getByRole('heading', { level: 1 }).innerText()).toBe(subject)
  await expect.poll(() => page.getByTestId('group-size').innerText()).toBe(String(members.length + 1))
  expect(await page.getByTestId('group-detail').innerText()).toContain('Owner (superadmin)')
  expect(decodeURIComponent(page.url())).toMatch(new RegExp(`#/instances/${INSTANCE}/groups/\\d+@g\\.us$`))
}

/** Adds one number from the participants card and waits for its row. */
async function addParticipant(n: string): Promise<void> {
  await page.getByLabel('Add participants').fill(n)
  await page.getByTestId('add-participants-submit').click()
  await participant(n).waitFor()
  expect(await page.getByLabel('Add participants').inputValue()).toBe('')
}

/** Copies the invite link and reads the clipboard back. */
async function copyInvite(): Promise<string> {
  const link = page.getByTestId('invite-link')
  await expect.poll(() => link.inputValue()).toMatch(INVITE)
  await page.getByTestId('copy-invite').click()
  await expect.poll(() => page.getByTestId('copy-invite').innerText()).toContain('Copied')
  const copied = await page.evaluate(() => navigator.clipboard.readText())
  expect(copied).toBe(await link.inputValue())
  return copied
}

describe.skipIf(!HAS_CHROMIUM)('panel: groups', () => {
  beforeAll(async () => {
    ;({ page, close } = await withSandboxInstance({ prefix: 'taguato-groups-', user: USER, password: PASSWORD, instance: INSTANCE, clipboard: true }))
  })

  afterAll(async () => {
    await close?.()
  })

  it('1366 px: create a group, add a participant, set its picture, copy and revoke the invite link; the list shows it', async () => {
    await openInstancePage(page, INSTANCE, 'groups')
    await page.getByTestId('groups-table').or(page.getByText('This number is in no group yet.')).waitFor()

    // Evolution's 400 for a participant too short is shown in its own words under the form.
    const form = page.getByTestId('create-group')
    await form.getByLabel('Subject').fill('Too short')
    await form.getByLabel('Participants').fill('12345')
    await form.getByTestId('create-group-submit').click()
    const refusal = form.getByRole('alert')
    await refusal.waitFor()
    expect(await refusal.innerText()).toMatch(/participants/i)
    expect(await refusal.innerText()).not.toBe('Bad Request')

    const subject = `Browser group ${tag}`
    await createGroup(subject, [MEMBER])
    await participant(MEMBER).waitFor()
    await addParticipant(ADDED)
    await expect.poll(() => page.getByTestId('group-size').innerText()).toBe('3')

    // WhatsApp's per-member refusal (the route still answers 201) is shown, not swallowed.
    await page.getByLabel('Add participants').fill(NOT_ON_WHATSAPP)
    await page.getByTestId('add-participants-submit').click()
    await expect.poll(() => page.getByTestId('participants-error').innerText()).toBe(`+${NOT_ON_WHATSAPP} is not on WhatsApp`)

    // A picture from a file goes as raw base64 (no data: prefix).
    await page.getByTestId('group-picture-form').getByLabel('Image file').setInputFiles({ name: 'dot.png', mimeType: 'image/png', buffer: Buffer.from(PNG, 'base64') })
    const picture = page.waitForRequest((r) => r.url().includes('/group/updateGroupPicture/'))
    await page.getByRole('button', { name: 'Set group picture' }).click()
    expect((await picture).postDataJSON()).toEqual({ image: PNG })
    await toast(page, 'Group picture updated').waitFor()

    // We are the group's superadmin: the link is there at once; Copy puts it on the clipboard.
    const first = await copyInvite()
    await page.getByTestId('revoke-invite').click()
    await page.getByTestId('confirm-ok').click()
    await expect.poll(() => page.getByTestId('invite-link').inputValue()).not.toBe(first)
    expect(await page.getByTestId('invite-link').inputValue()).toMatch(INVITE)
    expect(await copyInvite()).not.toBe(first)
    await page.screenshot({ path: '/tmp/taguato-groups-1366.png', fullPage: true })

    // Back to the list: name, participant count and our role.
    await page.getByRole('link', { name: `← Groups of ${INSTANCE}` }).click()
    const row = page.getByTestId('groups-table').locator('tr', { has: page.getByRole('link', { name: subject }) })
    await row.waitFor()
    await expect.poll(() => row.innerText()).toMatch(/3\s+Owner \(superadmin\)/)
  })

  it('390 px: the same flow on a phone-sized screen, nothing wider than it; then leave the group', async () => {
    await page.setViewportSize({ width: 390, height: 844 })
    await openInstancePage(page, INSTANCE, 'groups')
    const subject = `Phone group ${tag}`
    await createGroup(subject, [MEMBER])
    await addParticipant(ADDED_390)
    await expect.poll(() => page.getByTestId('group-size').innerText()).toBe('3')
    await copyInvite()
    // Keyboard: the participant's actions are reachable and named.
    const promote = page.getByRole('button', { name: `Promote +${ADDED_390} to admin` })
    await promote.focus()
    await page.keyboard.press('Enter')
    await page.getByRole('button', { name: `Demote +${ADDED_390} (remove admin rights)` }).waitFor()
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390)
    await page.screenshot({ path: '/tmp/taguato-groups-390.png', fullPage: true })

    await go(page, `/instances/${INSTANCE}/groups`)
    await page.getByTestId('groups-table').getByRole('link', { name: subject }).waitFor()
    expect(await page.getByTestId('groups-table').getByTestId('group-link').count()).toBe(2)
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390)

    // Leaving (after the confirmation) returns to the list, without that group.
    await page.getByTestId('groups-table').getByRole('link', { name: subject }).click()
    await expect.poll(() => page.getByRole('heading', { level: 1 }).innerText()).toBe(subject)
    await page.getByTestId('leave-group').click()
    await page.getByTestId('confirm-ok').click()
    await toast(page, `Left "${subject}"`).waitFor()
    await page.getByTestId('groups').waitFor()
    await expect.poll(() => page.getByTestId('groups-table').getByTestId('group-link').count()).toBe(1)
    await page.setViewportSize({ width: 1280, height: 860 })
  })
})

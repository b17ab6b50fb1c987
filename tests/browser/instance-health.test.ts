/**
 * Browser test of the instance health card (issue 30; gateway/panel/src/screens/instance-health.tsx)
 * against the stack scripts/test.ts booted: a send the sandbox nacks with 463 (its nack route) pauses
 * the instance; its page shows sends today, failures, unconfirmed, the last ban signal and the paused
 * banner with the reason in words; Resume (confirmed) ends the pause and the banner goes. At 1366 and
 * 390 px. Screenshots: test-artifacts/screenshots/instance-health-*.png. Skipped without chromium.
 */
import crypto from 'node:crypto'
import type { Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { api, CHROMIUM, go, HAS_CHROMIUM, settle, shotAtWidth, upstream, withSandboxInstance } from './helpers.js'

if (!HAS_CHROMIUM) console.warn(`[browser] SKIPPED instance-health: no chromium at ${CHROMIUM} (apt-get install -y chromium)`)

const tag = crypto.randomBytes(3).toString('hex')
const PASSWORD = 'Health1Pass'
const USER = `health_${tag}`
const INSTANCE = `health-${tag}`

let close: () => Promise<void>
let page: Page
let token = ''

type Health = { sends_today: number; failures_today: number; paused: { signal: string; reason: string } | null }

async function health(): Promise<Health> {
  return (await api<Health>('GET', `/api/instances/${INSTANCE}/health`, token)).body
}

describe.skipIf(!HAS_CHROMIUM)('panel: the instance health card', () => {
  beforeAll(async () => {
    const s = await withSandboxInstance({ prefix: 'taguato-instance-health-', user: USER, password: PASSWORD, instance: INSTANCE })
    ;({ close, page, token } = s)
    const armed = await upstream('POST', `/sandbox/instances/${INSTANCE}/nack`, { code: 463 })
    expect(armed.status).toBe(200)
    const sent = await api('POST', `/message/sendText/${INSTANCE}`, token, { number: '595981670001', text: `first contact ${tag}` })
    expect(sent.status, JSON.stringify(sent.body)).toBe(201)
    let h = await health()
    for (let i = 0; i < 100 && !h.paused; i++) {
      await new Promise((r) => setTimeout(r, 100))
      h = await health()
    }
    expect(h.paused?.signal).toBe('nack_463')
    // The nacked message is a failure too, once its status update reached the message log. An ack that
    // beats its log row to the table is applied again after 1, 3 and 10 s (services/webhooks/delivery-status).
    for (let i = 0; i < 300 && h.failures_today < 1; i++) {
      await new Promise((r) => setTimeout(r, 100))
      h = await health()
    }
    expect(h.failures_today).toBe(1)
  }, 60_000)

  afterAll(async () => {
    await close?.()
  })

  it('shows the counts, the last ban signal and the paused banner with the reason; Resume ends the pause', async () => {
    await go(page, `/instances/${INSTANCE}`)
    const card = page.getByTestId('health-card')
    await card.getByTestId('paused-banner').waitFor()
    expect(await card.getByTestId('paused-reason').textContent()).toMatch(/error 463.*reach-out timelock/)
    expect(await card.getByTestId('health-sends').locator('.stat-value').textContent()).toBe('1')
    expect(await card.getByTestId('health-failures').locator('.stat-value').textContent()).toBe('1')
    expect(await card.getByTestId('health-unconfirmed').locator('.stat-value').textContent()).toBe('0')
    expect(await card.getByTestId('last-ban-signal').textContent()).toMatch(/Account restricted \(error 463\)/)
    await shotAtWidth(page, 'instance-health-paused')

    // A send from the panel's point of view is refused while paused (the API answers 423 with the reason).
    const refused = await api<{ error: string }>('POST', `/message/sendText/${INSTANCE}`, token, { number: '595981670002', text: 'x' })
    expect(refused.status).toBe(423)

    await card.getByTestId('resume-sending').click()
    await page.getByTestId('confirm-ok').click()
    await card.getByTestId('paused-banner').waitFor({ state: 'detached' })
    await settle(page)
    expect((await health()).paused).toBeNull()
    expect(await card.getByTestId('last-ban-signal').textContent()).toMatch(/Account restricted/)

    await page.setViewportSize({ width: 390, height: 844 })
    await go(page, `/instances/${INSTANCE}`)
    await card.getByTestId('last-ban-signal').waitFor()
    await shotAtWidth(page, 'instance-health-resumed')
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth)
    expect(overflow).toBeLessThanOrEqual(0)
  })
})

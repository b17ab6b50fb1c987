/**
 * Browser test of the webhook delivery log (issue 30; gateway/panel/src/screens/webhook-deliveries.tsx and
 * webhooks.tsx) against the stack scripts/test.ts booted. A user's webhook holds two dead letters (three
 * failed attempts each, written to the database as the delivery worker writes them) and was disabled for
 * failing: the Webhooks screen shows why and an Enable button; the delivery log lists every attempt (time,
 * event, attempt, status, latency, state) with Replay on each dead letter; Replay sends one letter once
 * more (a fourth attempt, marked as a replay, appears) and "Replay all dead letters" queues the rest. The
 * URL is a public address the test machine cannot reach, so replayed letters fail and die again: what is
 * checked is that each replay is exactly one more attempt. At 1366 and 390 px. Screenshots:
 * test-artifacts/screenshots/webhook-deliveries-*.png. Skipped without chromium.
 */
import crypto from 'node:crypto'
import type { Page } from 'playwright-core'
import postgres from 'postgres'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { api, CHROMIUM, go, HAS_CHROMIUM, settle, shotAtWidth, toast, withSandboxInstance } from './helpers.js'

if (!HAS_CHROMIUM) console.warn(`[browser] SKIPPED webhook-deliveries: no chromium at ${CHROMIUM} (apt-get install -y chromium)`)

const tag = crypto.randomBytes(3).toString('hex')
const PASSWORD = 'Deliveries1Pass'
const USER = `whd_${tag}`
const INSTANCE = `whd-${tag}`
const REASON = 'Disabled after 2 consecutive dead-lettered deliveries (last: status 503)'

let close: () => Promise<void>
let page: Page
let token = ''
let hookId = 0
const deadIds: number[] = []

type Delivery = { id: number; state: string; attempts: number; attempt_log: { attempt: number; replay: boolean }[] }

const log = async (): Promise<Delivery[]> => (await api<{ deliveries: Delivery[] }>('GET', `/api/webhooks/${hookId}/deliveries`, token)).body.deliveries
const hookRow = () => page.locator('tbody tr').filter({ hasText: INSTANCE })
const logRows = () => page.getByTestId('webhook-deliveries').locator('tbody tr')

/** Two dead letters of three failed attempts each, and the webhook disabled for them. */
async function seedDeadLetters(): Promise<void> {
  const sql = postgres(process.env.DATABASE_URL!, { max: 1, onnotice: () => undefined })
  try {
    for (const n of [1, 2]) {
      const [d] = await sql<{ id: number }[]>`
        insert into taguato.webhook_deliveries (webhook_id, event, payload, state, attempts, max_attempts, last_status_code, last_error, queue, created_at)
        values (${hookId}, 'MESSAGES_UPSERT', ${sql.json({ event: 'messages.upsert', instance: INSTANCE, data: { n } })}, 'dead', 3, 3, 503, 'status 503',
          'webhook-delivery', now() - make_interval(mins => ${10 - n}))
        returning id::int as id`
      deadIds.push(d!.id)
      for (const attempt of [1, 2, 3]) {
        await sql`insert into taguato.webhook_delivery_attempts (delivery_id, attempt, status_code, error, latency_ms, created_at)
          values (${d!.id}, ${attempt}, 503, 'status 503', ${40 + attempt}, now() - make_interval(mins => ${10 - n}) + make_interval(secs => ${attempt * 2}))`
      }
    }
    await sql`update taguato.user_webhooks set is_active = false, consecutive_dead = 2, disabled_at = now(), disabled_reason = ${REASON} where id = ${hookId}`
  } finally {
    await sql.end()
  }
}

describe.skipIf(!HAS_CHROMIUM)('panel: webhook delivery log and replay', () => {
  beforeAll(async () => {
    const s = await withSandboxInstance({ prefix: 'taguato-whd-', user: USER, password: PASSWORD, instance: INSTANCE })
    ;({ close, page, token } = s)
    const created = await api<{ webhook: { id: number } }>('POST', '/api/webhooks', token, { instance_name: INSTANCE, webhook_url: 'https://93.184.216.34/hooks/wa', events: ['MESSAGES_UPSERT'] })
    expect(created.status, JSON.stringify(created.body)).toBe(201)
    hookId = created.body.webhook.id
    await seedDeadLetters()
  }, 90_000)

  afterAll(async () => {
    await close?.()
  })

  it('a disabled webhook shows why and its log lists every attempt; Enable makes it active again', async () => {
    await go(page, '/webhooks')
    await hookRow().waitFor()
    expect(await page.getByTestId('webhook-disabled-reason').innerText()).toBe(REASON)
    await shotAtWidth(page, 'webhook-deliveries-disabled')
    await hookRow().getByRole('button', { name: 'Deliveries' }).click()
    await expect.poll(() => logRows().count()).toBe(6)
    const first = (await logRows().first().innerText()).toLowerCase()
    for (const part of ['messages_upsert', '3', '503', '43 ms', 'dead letter']) expect(first).toContain(part)
    // Replay waits for the webhook to be enabled.
    expect(await page.getByRole('button', { name: 'Replay', exact: true }).count()).toBe(2)
    expect(await page.getByRole('button', { name: 'Replay', exact: true }).first().isDisabled()).toBe(true)
    expect(await page.getByRole('button', { name: 'Replay all dead letters' }).isDisabled()).toBe(true)
    await shotAtWidth(page, 'webhook-deliveries-log')
    await page.getByRole('button', { name: 'Close' }).click()
    await hookRow().getByRole('button', { name: 'Enable' }).click()
    await toast(page, 'Webhook enabled').waitFor()
    await settle(page)
    await expect.poll(() => hookRow().getByRole('button', { name: 'Enable' }).count()).toBe(0)
    expect(await page.getByTestId('webhook-disabled-reason').count()).toBe(0)
  }, 60_000)

  it('Replay sends one dead letter once more; Replay all queues the rest', async () => {
    await hookRow().getByRole('button', { name: 'Deliveries' }).click()
    await expect.poll(() => logRows().count()).toBe(6)
    // The newest delivery is listed first: replay it.
    await page.getByRole('button', { name: 'Replay', exact: true }).first().click()
    await toast(page, 'Replay queued').waitFor()
    // One more attempt, marked as a replay (the address is unreachable from here: it dies again).
    await expect.poll(async () => (await log()).find((d) => d.id === deadIds[1])?.attempt_log.map((a) => `${a.attempt}${a.replay ? 'r' : ''}`).join(','), { timeout: 40_000, interval: 500 }).toBe('1,2,3,4r')
    await expect.poll(async () => (await log()).find((d) => d.id === deadIds[1])?.state, { timeout: 10_000 }).toBe('dead')
    await page.getByRole('button', { name: 'Refresh' }).click()
    await expect.poll(() => logRows().count()).toBe(7)
    expect(await logRows().first().innerText()).toContain('4 (replay)')
    await page.setViewportSize({ width: 390, height: 844 })
    await shotAtWidth(page, 'webhook-deliveries-log')
    await page.setViewportSize({ width: 1366, height: 900 })
    await page.getByRole('button', { name: 'Replay all dead letters' }).click()
    await toast(page, '2 dead letters queued again').waitFor()
    // Each letter gets exactly one more attempt for that request.
    await expect.poll(async () => (await log()).map((d) => `${d.id}:${d.attempts}:${d.state}`).sort().join(' '), { timeout: 40_000, interval: 500 })
      .toBe([`${deadIds[0]}:4:dead`, `${deadIds[1]}:5:dead`].sort().join(' '))
    await page.getByRole('button', { name: 'Refresh' }).click()
    await expect.poll(() => logRows().count()).toBe(9)
    await shotAtWidth(page, 'webhook-deliveries-replayed')
  }, 120_000)
})

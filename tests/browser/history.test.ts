/**
 * Browser test of History as a message log (issue 28; gateway/panel/src/screens/history.tsx and
 * history-detail.tsx) against the stack scripts/test.ts booted (the sandbox acks every send up to READ):
 * a user sends two texts and a bulk job through the gateway; History shows each message's text, finds one
 * by a partial number typed with `+` and spaces and by words of its text, and its detail shows the status
 * timeline (queued, sent, delivered, read); the scheduled job's "View messages" opens History filtered to
 * that job. At 1366 and 390 px. Screenshots: test-artifacts/screenshots/history-*.png. Skipped without
 * chromium.
 */
import crypto from 'node:crypto'
import fs from 'node:fs'
import path from 'node:path'
import type { Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { api, CHROMIUM, go, HAS_CHROMIUM, settle, withSandboxInstance } from './helpers.js'

if (!HAS_CHROMIUM) console.warn(`[browser] SKIPPED history: no chromium at ${CHROMIUM} (apt-get install -y chromium)`)

const tag = crypto.randomBytes(3).toString('hex')
const PASSWORD = 'History1Pass'
const USER = `hist_${tag}`
const INSTANCE = `hist-${tag}`
const suffix = String(Date.now()).slice(-5)
const NUMBER_A = `5959871${suffix}`
const NUMBER_B = `5959872${suffix}`
const TEXT_A = `Hola Ana, tu pedido ${tag} está listo para retirar en la sucursal del centro`
const TEXT_B = `Recordatorio ${tag}: turno mañana 9:00`
const SHOTS = path.resolve(process.env.REPO_ROOT ?? process.cwd(), 'test-artifacts', 'screenshots')

let close: () => Promise<void>
let page: Page
let token = ''
let jobId = 0

type Log = { id: number; status: string; phone_number: string; scheduled_message_id: number | null }

async function shot(name: string): Promise<void> {
  fs.mkdirSync(SHOTS, { recursive: true })
  await page.waitForTimeout(200)
  await page.screenshot({ path: path.join(SHOTS, `${name}.png`), fullPage: true })
}

const rows = () => page.getByTestId('history-table').locator('tbody tr')
const textCell = (text: string) => page.getByTestId('history-text').filter({ hasText: text })

/** Waits until every message of this user reached `read` (the sandbox's acks came back through the webhook). */
async function allRead(n: number): Promise<void> {
  let read = 0
  for (let i = 0; i < 200 && read < n; i++) {
    read = (await api<{ logs: Log[] }>('GET', `/api/messages/log?instance_name=${INSTANCE}`, token)).body.logs.filter((l) => l.status === 'read').length
    if (read < n) await new Promise((r) => setTimeout(r, 100))
  }
  expect(read).toBe(n)
}

async function search(number: string, text: string): Promise<void> {
  await page.getByLabel('Number', { exact: true }).fill(number)
  await page.getByLabel('Text', { exact: true }).fill(text)
  await page.getByRole('button', { name: 'Filter' }).click()
  await settle(page)
}

async function timelineOf(text: string): Promise<string[]> {
  await textCell(text).first().click()
  const steps = page.getByTestId('history-timeline').getByTestId('timeline-step')
  await steps.first().waitFor()
  return steps.evaluateAll((els) => els.map((e) => e.getAttribute('data-status') ?? ''))
}

describe.skipIf(!HAS_CHROMIUM)('panel: history as a message log', () => {
  beforeAll(async () => {
    const s = await withSandboxInstance({ prefix: 'taguato-history-', user: USER, password: PASSWORD, instance: INSTANCE })
    ;({ close, page, token } = s)
    for (const [number, text] of [[NUMBER_A, TEXT_A], [NUMBER_B, TEXT_B]] as const) {
      const r = await api('POST', `/message/sendText/${INSTANCE}`, token, { number, text })
      expect(r.status, JSON.stringify(r.body)).toBe(201)
    }
    const job = await api<{ message: { id: number } }>('POST', '/api/scheduled', token, {
      instance_name: INSTANCE, recipients: [`5959873${suffix}`, `5959874${suffix}`], message_content: `Bulk ${tag}`, scheduled_at: 'now',
    })
    expect(job.status, JSON.stringify(job.body)).toBe(201)
    jobId = job.body.message.id
    await allRead(4)
  }, 90_000)

  afterAll(async () => {
    await close?.()
  })

  it('1366 px: shows the text, finds a message by a partial number and shows its status timeline', async () => {
    await page.setViewportSize({ width: 1366, height: 900 })
    await go(page, '/history')
    await textCell(TEXT_A).first().waitFor()
    expect(await textCell(TEXT_B).count()).toBe(1)
    await shot('history-1366')
    // A partial number typed the way people write it.
    await search(`+${NUMBER_A.slice(0, 3)} ${NUMBER_A.slice(3, 9)}`, '')
    await expect.poll(() => rows().count()).toBe(1)
    expect(await rows().first().innerText()).toContain(NUMBER_A)
    expect(await timelineOf(TEXT_A)).toEqual(['queued', 'sent', 'delivered', 'read'])
    expect(await page.getByTestId('history-detail-text').innerText()).toBe(TEXT_A)
    await shot('history-detail-1366')
    await page.getByRole('button', { name: 'Close' }).click()
  }, 60_000)

  it('390 px: finds a message by words of its text and shows its timeline', async () => {
    await page.setViewportSize({ width: 390, height: 844 })
    await go(page, '/history')
    await search('', `recordatorio ${tag}`)
    await expect.poll(() => rows().count()).toBe(1)
    await shot('history-390')
    expect(await timelineOf(TEXT_B)).toEqual(['queued', 'sent', 'delivered', 'read'])
    await shot('history-detail-390')
    await page.getByRole('button', { name: 'Close' }).click()
    await search('', '')
  }, 60_000)

  it("a scheduled job's View messages opens History filtered to that job", async () => {
    await page.setViewportSize({ width: 1366, height: 900 })
    await go(page, '/scheduled')
    await settle(page)
    // This user's only scheduled job.
    const row = page.locator('tbody tr').first()
    await row.getByRole('button', { name: 'View' }).click()
    await page.getByTestId('view-job-messages').click()
    await page.waitForURL((u) => u.hash === `#/history/job/${jobId}`)
    await page.getByTestId('history-job').waitFor()
    await expect.poll(() => rows().count()).toBe(2)
    expect(await textCell(`Bulk ${tag}`).count()).toBe(2)
    await shot('history-job-1366')
    await page.setViewportSize({ width: 390, height: 844 })
    await shot('history-job-390')
  }, 60_000)
})

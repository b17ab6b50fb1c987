/**
 * Browser test of templates with variables (issue 28, docs/templates.md) against the stack scripts/test.ts
 * booted (UPSTREAM_DRIVER=sandbox). At 1366 and 390 px:
 *  - single send: "Insert template" shows a field per `{{ key }}`; sending with one empty is refused
 *    in the form, naming it; filled, the sandbox records the filled text;
 *  - bulk send: the contacts of a list fill `{{name}}` per recipient (preview of the first ones), and the
 *    sandbox's record shows each contact's own name; a contact without a value is named with the
 *    placeholder before anything is sent.
 * Screenshots: test-artifacts/screenshots/templates-<step>-<width>.png. Skipped without chromium.
 */
import crypto from 'node:crypto'
import fs from 'node:fs'
import path from 'node:path'
import type { Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { api, CHROMIUM, go, HAS_CHROMIUM, toast, upstream, withSandboxInstance } from './helpers.js'

if (!HAS_CHROMIUM) console.warn(`[browser] SKIPPED templates: no chromium at ${CHROMIUM} (apt-get install -y chromium)`)

const tag = crypto.randomBytes(3).toString('hex')
const PASSWORD = 'Templ1Pass'
const USER = `tplvars_${tag}`
const INSTANCE = `tpl-${tag}`
const WIDTHS = [1366, 390] as const
const SHOTS = path.resolve(process.env.REPO_ROOT ?? process.cwd(), 'test-artifacts', 'screenshots')
/** Distinct numbers per run and width (the sandbox's record is shared by every test file). */
const base = 595_988_000_000 + (parseInt(tag, 16) % 1000) * 100
const num = (width: number, i: number) => String(base + (width === 1366 ? 0 : 50) + i)

let page: Page
let token = ''
let close: () => Promise<void>

async function shot(step: string, width: number): Promise<void> {
  fs.mkdirSync(SHOTS, { recursive: true })
  await page.waitForTimeout(250)
  await page.screenshot({ path: path.join(SHOTS, `templates-${step}-${width}.png`), fullPage: true })
}

/** Opens a screen afresh (forms start empty, lists and templates load on mount). */
async function open(hash: string): Promise<void> {
  await go(page, '/dashboard')
  await go(page, hash)
}

/** The text the sandbox recorded for the last send to `number` on the instance ('' while none). */
async function recorded(number: string): Promise<string> {
  type Rec = { payload?: { text?: string; message?: { conversation?: string } } }
  const r = await upstream<{ messages?: Rec[] }>('GET', `/sandbox/messages?instance=${INSTANCE}&number=${number}`)
  const last = r.body.messages?.at(-1)
  return last?.payload?.text ?? last?.payload?.message?.conversation ?? ''
}

async function makeList(name: string, items: { phone_number: string; label?: string }[]): Promise<void> {
  const list = await api<{ list: { id: number } }>('POST', '/api/contacts', token, { name })
  expect(list.status, JSON.stringify(list.body)).toBe(201)
  const added = await api('POST', `/api/contacts/${list.body.list.id}/items`, token, { items })
  expect(added.status, JSON.stringify(added.body)).toBe(201)
}

describe.skipIf(!HAS_CHROMIUM)('panel: templates with variables', () => {
  beforeAll(async () => {
    ;({ page, token, close } = await withSandboxInstance({ prefix: 'taguato-templates-', user: USER, password: PASSWORD, instance: INSTANCE }))
    expect((await api('POST', '/api/templates', token, { name: 'saludo', content: 'Hola {{name}}, tu código es {{ codigo }}' })).status).toBe(201)
    expect((await api('POST', '/api/templates', token, { name: 'bienvenida', content: 'Bienvenido/a {{name}}!' })).status).toBe(201)
    for (const w of WIDTHS) {
      await makeList(`clientes-${w}`, [{ phone_number: num(w, 1), label: 'Ana' }, { phone_number: num(w, 2), label: 'Beto' }, { phone_number: num(w, 3), label: 'Carla' }, { phone_number: num(w, 4), label: 'Dani' }])
      await makeList(`incompleta-${w}`, [{ phone_number: num(w, 10), label: 'Eva' }, { phone_number: num(w, 11) }])
    }
    await page.reload()
    await page.getByTestId('whoami').waitFor()
  })

  afterAll(async () => {
    await close?.()
  })

  for (const width of WIDTHS) {
    it(`${width} px: single send fills the template's placeholders, refusing while one is empty`, async () => {
      await page.setViewportSize({ width, height: width < 500 ? 844 : 900 })
      await open('/messages')
      const form = page.getByTestId('single-send')
      await expect.poll(() => form.getByLabel('Instance').inputValue(), { timeout: 10_000 }).toBe(INSTANCE)
      await form.getByLabel('To (number with country code)').fill(num(width, 30))
      await form.getByLabel('Insert template').selectOption({ label: 'saludo' })
      const vars = form.getByTestId('template-vars')
      await vars.waitFor()
      await vars.getByLabel('{{name}}').fill('Ana')
      expect(await form.getByTestId('template-missing').innerText()).toContain('{{codigo}}')
      await form.getByTestId('send-single').click()
      await toast(page, 'Fill in {{codigo}}').waitFor()
      await shot('single-missing', width)
      expect(await recorded(num(width, 30))).toBe('')

      await vars.getByLabel('{{codigo}}').fill('A-7')
      expect(await form.getByTestId('template-preview').innerText()).toContain('Hola Ana, tu código es A-7')
      await shot('single-filled', width)
      await form.getByTestId('send-single').click()
      await toast(page, `Message sent to ${num(width, 30)}`).waitFor({ timeout: 20_000 })
      await expect.poll(() => recorded(num(width, 30)), { timeout: 10_000 }).toBe('Hola Ana, tu código es A-7')
    })

    it(`${width} px: a bulk send with {{name}} delivers each contact's name, previewing the first 3`, async () => {
      await page.setViewportSize({ width, height: width < 500 ? 844 : 900 })
      await open('/messages')
      await page.getByTestId('tab-bulk').click()
      const form = page.getByTestId('bulk-form')
      await expect.poll(() => form.getByLabel('Instance').inputValue(), { timeout: 10_000 }).toBe(INSTANCE)

      // A contact without a name: the form says which placeholder and which number, and sends nothing.
      await form.getByLabel('Add numbers from a contact list').selectOption({ label: `incompleta-${width} (2)` })
      await form.getByLabel('Insert template').selectOption({ label: 'bienvenida' })
      const missing = form.getByTestId('bulk-missing')
      await missing.waitFor()
      expect(await missing.innerText()).toContain(`{{name}} has no value for ${num(width, 11)}`)
      await form.getByTestId('send-bulk').click()
      await toast(page, `{{name}} has no value for ${num(width, 11)}`).waitFor()
      await shot('bulk-missing', width)
      expect(await recorded(num(width, 10))).toBe('')

      await open('/messages')
      await page.getByTestId('tab-bulk').click()
      await expect.poll(() => form.getByLabel('Instance').inputValue(), { timeout: 10_000 }).toBe(INSTANCE)
      await form.getByLabel('Add numbers from a contact list').selectOption({ label: `clientes-${width} (4)` })
      await form.getByLabel('Insert template').selectOption({ label: 'bienvenida' })
      const items = form.getByTestId('bulk-preview-item')
      await expect.poll(() => items.allInnerTexts(), { timeout: 10_000 }).toEqual([
        `${num(width, 1)}: Bienvenido/a Ana!`,
        `${num(width, 2)}: Bienvenido/a Beto!`,
        `${num(width, 3)}: Bienvenido/a Carla!`,
      ])
      expect(await form.getByTestId('bulk-missing').count()).toBe(0)
      await shot('bulk-preview', width)
      await form.getByTestId('send-bulk').click()
      await page.getByTestId('bulk-progress').waitFor()
      const names = ['Ana', 'Beto', 'Carla', 'Dani']
      for (const [i, name] of names.entries()) {
        await expect.poll(() => recorded(num(width, i + 1)), { timeout: 30_000 }).toBe(`Bienvenido/a ${name}!`)
      }
      await shot('bulk-sent', width)
    })
  }
})

/**
 * Browser test of the upstream replicas section of System health (/admin/health): the test stack's one
 * replica is listed live with its instance count, and an admin pins an instance to it and back to
 * automatic placement through the form. Screenshot at 1366 px: test-artifacts/screenshots/admin-upstreams-1366.png.
 * Skipped without chromium.
 */
import crypto from 'node:crypto'
import type { BrowserContext, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { api, createUsers, go, HAS_CHROMIUM, launch, login, shotAtWidth, toast } from './helpers.js'

const ADMIN = `upsadmin_${crypto.randomBytes(4).toString('hex')}`
const PW = `Up-${crypto.randomBytes(6).toString('hex')}`
const INSTANCE = `upsinst_${crypto.randomBytes(4).toString('hex')}`

let ctx: BrowserContext
let close: () => Promise<void>
let page: Page
let token = ''

describe.skipIf(!HAS_CHROMIUM)('admin: upstream replicas', () => {
  beforeAll(async () => {
    await createUsers([ADMIN], PW, 5, 'admin')
    ;({ ctx, close } = await launch('taguato-admin-upstreams-'))
    page = ctx.pages()[0] ?? (await ctx.newPage())
    await page.setViewportSize({ width: 1366, height: 900 })
    await login(page, ADMIN, PW)
    await page.getByTestId('logout').waitFor()
    token = (await page.evaluate(() => sessionStorage.getItem('taguato_token'))) ?? ''
    const created = await api('POST', '/instance/create', token, { instanceName: INSTANCE, integration: 'WHATSAPP-BAILEYS' })
    expect(created.status).toBe(201)
  })

  afterAll(async () => {
    await close?.()
  })

  it('lists the replica live, and pins an instance to it and back', async () => {
    const placement = await api<{ replicas: { nodeId: string; live: boolean }[] }>('GET', '/admin/upstreams', token)
    const node = placement.body.replicas.find((r) => r.live)!.nodeId
    await go(page, '/admin/health')
    await page.getByRole('heading', { name: 'Upstream replicas' }).waitFor()
    const row = page.locator('tr').filter({ hasText: node })
    await row.waitFor()
    expect(await row.textContent()).toContain('live')
    const form = page.getByRole('form', { name: 'Move an instance' })
    await form.getByLabel('Instance').selectOption(INSTANCE)
    await form.getByLabel('Replica').selectOption(node)
    await form.getByRole('button', { name: 'Move' }).click()
    await toast(page, `${INSTANCE} moves to ${node}`).waitFor()
    const pinned = await api<{ instances: { name: string; pinnedNode: string | null }[] }>('GET', '/admin/upstreams', token)
    expect(pinned.body.instances.find((i) => i.name === INSTANCE)?.pinnedNode).toBe(node)
    await shotAtWidth(page, 'admin-upstreams')
    await form.getByLabel('Instance').selectOption(INSTANCE)
    await form.getByLabel('Replica').selectOption('')
    await form.getByRole('button', { name: 'Move' }).click()
    await toast(page, `${INSTANCE} is placed automatically again`).waitFor()
    const unpinned = await api<{ instances: { name: string; pinnedNode: string | null }[] }>('GET', '/admin/upstreams', token)
    expect(unpinned.body.instances.find((i) => i.name === INSTANCE)?.pinnedNode).toBeNull()
  })
})

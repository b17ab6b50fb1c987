/**
 * Browser test of the panel's Chats view (gateway/panel/src/screens/chats.tsx, chat-thread.tsx) against
 * the stack scripts/test.ts booted (UPSTREAM_DRIVER=sandbox, acks every SANDBOX_ACK_DELAY_MS = 50 ms):
 * a sandbox instance gets a simulated history (POST /sandbox/instances/:name/history, with media) and
 * a new message from a contact. At 1366 px (list and thread side by side): the list with its unread
 * badge and search, a thread opened from the keyboard that sends its read receipt, a reply that shows up
 * with its ticks moving to read, older messages paged in, a photo opened in full, the upstream's own
 * words for a refused send. At 390 px (one pane at a time): list, thread, reply, back.
 * Screenshots: /tmp/taguato-chats-1366.png, /tmp/taguato-chats-1366-dark.png, /tmp/taguato-chats-390.png,
 * /tmp/taguato-chats-390-list.png. Its user is written straight into the database. Skipped without chromium.
 *
 * Upstream routes it needs: POST /chat/findChats, /chat/findMessages, /chat/findContacts,
 * /chat/markMessageAsRead, /chat/getBase64FromMediaMessage, /message/sendText, and the sandbox's
 * /instances/:name/{scan,history,inbound}.
 */
import crypto from 'node:crypto'
import type { Page, Request } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { api, CHROMIUM, createUsers, go, HAS_CHROMIUM, launch, login, toast, upstream } from './helpers.js'

if (!HAS_CHROMIUM) console.warn(`[browser] SKIPPED chats: no chromium at ${CHROMIUM} (apt-get install -y chromium)`)

const tag = crypto.randomBytes(3).toString('hex')
const PASSWORD = 'Chats1Pass'
const USER = `chats_${tag}`
const INSTANCE = `chats-${tag}`
const CONTACT = `5959874${String(Date.now()).slice(-5)}`
const CONTACT_JID = `${CONTACT}@s.whatsapp.net`
/** The sandbox history's first 1:1 chat (upstream/src/driver/sandbox-history.ts): one unread message, a photo at position 25. */
const HISTORY_JID = '595990000001@s.whatsapp.net'
/** The sandbox says numbers ending in 0000 are not on WhatsApp. */
const NOT_ON_WHATSAPP = '595981230000'

let close: () => Promise<void>
let page: Page
let inboundId = ''
/** Bodies of every POST /chat/markMessageAsRead the page sent, with the status it got. */
const reads: { keys: { id: string; remoteJid: string; fromMe: boolean }[]; status: number }[] = []

const chatItem = (jid: string) => page.locator(`[data-testid="chat-item"][data-jid="${jid}"]`)
const thread = () => page.getByTestId('chat-thread')
const bubble = (text: string) => thread().getByTestId('message').filter({ hasText: text })

/** Sends `text` from the open thread and waits until its bubble says READ (the sandbox acks on its own). */
async function replyAndWaitForRead(text: string, how: 'enter' | 'button'): Promise<void> {
  const box = thread().getByTestId('reply-text')
  await box.fill(text)
  if (how === 'enter') await box.press('Enter')
  else await thread().getByTestId('send-reply').click()
  const mine = bubble(text)
  await mine.waitFor()
  expect(await mine.getAttribute('data-from-me')).toBe('true')
  expect(await box.inputValue()).toBe('')
  // PENDING -> SERVER_ACK -> DELIVERY_ACK -> READ arrive through the thread's poll (every 3 s).
  await expect.poll(() => mine.getAttribute('data-status'), { timeout: 15_000 }).toBe('READ')
  expect(await mine.getByTestId('ticks').innerText()).toMatch(/✓✓\s*Read/)
}

describe.skipIf(!HAS_CHROMIUM)('panel: chats', () => {
  beforeAll(async () => {
    await createUsers([USER], PASSWORD, 2)
    const b = await launch('taguato-chats-')
    close = b.close
    page = b.ctx.pages()[0] ?? (await b.ctx.newPage())
    page.on('pageerror', (e) => console.error(`[browser] page error: ${e.message}`))
    page.on('requestfinished', (r: Request) => {
      if (!r.url().includes('/chat/markMessageAsRead/')) return
      void r.response().then((res) => reads.push({ keys: (r.postDataJSON() as { readMessages: (typeof reads)[number]['keys'] }).readMessages, status: res?.status() ?? 0 }))
    })
    await page.setViewportSize({ width: 1366, height: 900 })
    await login(page, USER, PASSWORD)
    await page.getByTestId('whoami').waitFor()

    const token = await page.evaluate(() => sessionStorage.getItem('taguato_token'))
    expect((await api('POST', '/instance/create', token, { instanceName: INSTANCE, integration: 'WHATSAPP-BAILEYS' })).status).toBe(201)
    expect((await upstream('POST', `/sandbox/instances/${INSTANCE}/scan`)).status).toBe(200)
    const history = await upstream('POST', `/sandbox/instances/${INSTANCE}/history`, { chats: 6, messagesPerChat: 40, withMedia: true })
    expect(history.status, JSON.stringify(history.body)).toBe(200)
    const inbound = await upstream<{ message: { key: { id: string } } }>('POST', `/sandbox/instances/${INSTANCE}/inbound`, { number: CONTACT, text: 'Hola, ¿tienen stock?' })
    expect(inbound.status).toBe(200)
    inboundId = inbound.body.message.key.id
  })

  afterAll(async () => {
    await close?.()
  })

  it('1366 px: list and thread side by side; read receipts on open; a reply reaches READ', async () => {
    await go(page, `/instances/${INSTANCE}`)
    await page.getByTestId('chats-link').click()
    await expect.poll(() => page.url()).toMatch(new RegExp(`#/instances/${INSTANCE}/chats$`))

    // The list: the new conversation on top with its unread badge, the history's chats below it.
    const item = chatItem(CONTACT_JID)
    await item.waitFor()
    await expect.poll(() => page.getByTestId('chat-item').count()).toBeGreaterThanOrEqual(7)
    expect(await page.getByTestId('chat-item').first().getAttribute('data-jid')).toBe(CONTACT_JID)
    expect(await item.innerText()).toContain('Hola, ¿tienen stock?')
    expect(await item.getByTestId('unread').innerText()).toBe('1')

    // Search by text and by number (spaces and + ignored).
    const search = page.getByTestId('chat-search')
    await search.fill('Sandbox Contact 1')
    await expect.poll(() => page.getByTestId('chat-item').count()).toBe(1)
    await search.fill(`+${CONTACT.slice(0, 3)} ${CONTACT.slice(3)}`)
    await expect.poll(() => page.getByTestId('chat-item').count()).toBe(1)
    await search.fill('')

    // Opened from the keyboard; both panes stay on screen.
    await item.focus()
    await page.keyboard.press('Enter')
    // Named as the sandbox's contact signs ("Contact <number>"); the number is under the name.
    await expect.poll(() => page.getByTestId('thread-title').innerText()).toContain(CONTACT)
    expect(await page.getByTestId('chat-list').isVisible()).toBe(true)
    await bubble('Hola, ¿tienen stock?').waitFor()
    expect(await bubble('Hola, ¿tienen stock?').getAttribute('data-from-me')).toBe('false')
    await expect.poll(() => item.getByTestId('unread').count()).toBe(0)

    await replyAndWaitForRead('Sí, tenemos. ¿Cuántos querés?', 'enter')
    // The list shows it as the last message of the chat.
    await expect.poll(() => item.innerText(), { timeout: 10_000 }).toContain('You: Sí, tenemos.')
    await page.screenshot({ path: '/tmp/taguato-chats-1366.png' })

    // Opening the conversation sent the read receipt of the contact's message, and only that one.
    await expect.poll(() => reads.find((r) => r.keys.some((k) => k.id === inboundId))?.status, { timeout: 10_000 }).toBe(201)
    expect(reads.find((r) => r.keys.some((k) => k.id === inboundId))!.keys).toEqual([{ id: inboundId, fromMe: false, remoteJid: CONTACT_JID }])

    // The gateway logged the send, and the ticks reached its message log too.
    const token = await page.evaluate(() => sessionStorage.getItem('taguato_token'))
    await expect
      .poll(async () => (await api<{ logs: { phone_number: string; status: string }[] }>('GET', `/api/messages/log?instance_name=${INSTANCE}`, token)).body.logs.find((l) => l.phone_number === CONTACT)?.status, { timeout: 10_000 })
      .toBe('read')
  })

  it('1366 px: older messages page in; a photo opens in full; dark mode', async () => {
    await chatItem(HISTORY_JID).click()
    await expect.poll(() => page.getByTestId('thread-title').innerText()).toBe('Sandbox Contact 1')
    const messages = thread().getByTestId('message')
    await expect.poll(() => messages.count()).toBe(30)
    await thread().getByTestId('load-older').click()
    await expect.poll(() => messages.count()).toBe(40)
    expect(await thread().getByTestId('load-older').count()).toBe(0)
    expect(await messages.first().innerText()).toContain('Message 1 in chat 1')

    // The photo's bytes are fetched only now (getBase64FromMediaMessage): the sandbox's 1x1 PNG.
    const photo = bubble('Photo 25')
    await photo.getByTestId('open-media').click()
    const img = page.getByTestId('media-view').getByTestId('media-image')
    await img.waitFor()
    await expect.poll(() => img.evaluate((el) => (el as HTMLImageElement).naturalWidth)).toBe(1)
    await page.keyboard.press('Escape')
    await page.getByTestId('media-view').waitFor({ state: 'detached' })
    // Its one unread message (the last received) got its receipt when it opened.
    await expect.poll(() => reads.some((r) => r.status === 201 && r.keys.length === 1 && r.keys[0]!.remoteJid === HISTORY_JID), { timeout: 10_000 }).toBe(true)

    await page.getByRole('button', { name: '☾ Dark mode' }).click()
    await chatItem(CONTACT_JID).click()
    await bubble('Sí, tenemos.').waitFor()
    // Read back from the upstream, the reply is still below the message it answers.
    expect(await thread().getByTestId('message').last().innerText()).toContain('Sí, tenemos.')
    await page.screenshot({ path: '/tmp/taguato-chats-1366-dark.png' })
    await page.getByRole('button', { name: '☀ Light mode' }).click()
  })

  it('a refused send shows the upstream\'s words, not "Bad Request"', async () => {
    // (A media window an earlier failure left open would cover the list.)
    if ((await page.getByTestId('media-view').count()) > 0) await page.keyboard.press('Escape')
    await page.getByTestId('chat-search').fill(NOT_ON_WHATSAPP)
    await page.getByTestId('start-chat').click()
    await expect.poll(() => page.getByTestId('thread-title').innerText()).toBe(`+${NOT_ON_WHATSAPP}`)
    await thread().getByTestId('reply-text').fill('hola')
    await thread().getByTestId('send-reply').click()
    await toast(page, `${NOT_ON_WHATSAPP} is not on WhatsApp`).waitFor()
    expect(await page.locator('.toast', { hasText: 'Bad Request' }).count()).toBe(0)
  })

  it('390 px: one pane at a time; list -> thread -> reply at READ -> back', async () => {
    await page.setViewportSize({ width: 390, height: 844 })
    await go(page, '/instances')
    await go(page, `/instances/${INSTANCE}/chats`)
    await chatItem(CONTACT_JID).waitFor()
    expect(await thread().count()).toBe(0)
    expect(await page.getByTestId('chat-list').isVisible()).toBe(true)
    await page.screenshot({ path: '/tmp/taguato-chats-390-list.png' })

    await chatItem(CONTACT_JID).click()
    await bubble('Hola, ¿tienen stock?').waitFor()
    expect(await page.getByTestId('chat-list').isVisible()).toBe(false)
    // The open conversation has its own address.
    expect(decodeURIComponent(page.url())).toContain(`#/instances/${INSTANCE}/chats/${CONTACT_JID}`)
    await replyAndWaitForRead('Te paso el precio en un momento', 'button')
    // Nothing on the page is wider than the screen.
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390)
    await page.screenshot({ path: '/tmp/taguato-chats-390.png' })

    await page.getByRole('button', { name: 'Back to the conversations' }).click()
    await chatItem(CONTACT_JID).waitFor()
    expect(await thread().count()).toBe(0)
    await page.setViewportSize({ width: 1280, height: 860 })
  })
})

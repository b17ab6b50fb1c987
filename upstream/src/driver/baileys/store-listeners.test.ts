// The chat store filled from a scripted Baileys socket (the whole upstream on the Baileys driver):
// messages.upsert (received, phone-sent, our own send's echo), messaging-history.set, chats.*, contacts.*,
// messages.update (incoming read, revoke, edit, poll) and messages.delete, read back through the find
// routes, with the webhooks each one emits to a local receiver.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startBaileysRig, type BaileysRig } from '../../testing/baileys-rig.js'
import { waitFor, type Upstream } from '../../testing/upstream-harness.js'

const ANA = '595981000201@s.whatsapp.net'
const BETO = '595981000202@s.whatsapp.net'
const GROUP = '120363000000000001@g.us'
const long = (n: number) => ({ low: n, high: 0, unsigned: true, toString: () => String(n) })

let rig: BaileysRig
let up: Upstream
const sock = () => rig.sock()

beforeAll(async () => {
  const events = ['MESSAGES_UPSERT', 'MESSAGES_SET', 'MESSAGES_UPDATE', 'MESSAGES_DELETE', 'MESSAGES_EDITED', 'CHATS_SET', 'CHATS_UPSERT', 'CHATS_UPDATE', 'CHATS_DELETE', 'CONTACTS_UPSERT', 'CONTACTS_UPDATE', 'PRESENCE_UPDATE']
  rig = await startBaileysRig({ instance: 'st', events, me: { id: '595981000999:3@s.whatsapp.net', name: 'Me' } })
  up = rig.up
})
afterAll(async () => {
  await rig?.close()
})

/** Waits until the instance's queued driver events reached the DB and the dispatcher. */
const flushed = () => rig.flushed()
const hooks = (event: string) => rig.hooks(event)
const find = async (route: string, body: unknown = {}) => {
  const res = await up.req('POST', `/chat/${route}/st`, { body })
  expect(res.status, JSON.stringify(res.body)).toBe(200)
  return res.body
}
const chat = async (jid: string) => (await find('findChats', { where: { remoteJid: jid } }))[0]

describe('messages.upsert', () => {
  it('a received message: stored, counted unread, its sender a contact, the chat named after it', async () => {
    sock().ev.emit('messages.upsert', {
      type: 'notify',
      messages: [{ key: { remoteJid: ANA, fromMe: false, id: 'A1' }, pushName: 'Ana', messageTimestamp: 1_720_000_000, message: { extendedTextMessage: { text: 'hola', contextInfo: { stanzaId: 'Q1' } } } }],
    })
    await flushed()
    const records = (await find('findMessages', { where: { key: { id: 'A1' } } })).messages.records
    // Stored as Evolution stores texts: conversation, contextInfo beside it.
    expect(records[0]).toMatchObject({ key: { remoteJid: ANA, fromMe: false, id: 'A1' }, pushName: 'Ana', messageType: 'conversation', message: { conversation: 'hola' }, contextInfo: { stanzaId: 'Q1' }, messageTimestamp: 1_720_000_000 })
    expect(await chat(ANA)).toMatchObject({ remoteJid: ANA, pushName: 'Ana', unreadCount: 1, name: 'Ana' })
    expect(await find('findContacts', { where: { remoteJid: ANA } })).toEqual([expect.objectContaining({ remoteJid: ANA, pushName: 'Ana', isSaved: true, type: 'contact' })])
    await waitFor(() => hooks('chats.upsert').some((d) => d[0]?.remoteJid === ANA))
    expect(hooks('chats.upsert').find((d) => d[0]?.remoteJid === ANA)).toEqual([{ remoteJid: ANA, instanceId: expect.any(String), name: 'Ana', unreadMessages: 1 }])
    await waitFor(() => hooks('contacts.upsert').some((d) => d[0]?.remoteJid === ANA))
  })

  it('a redelivered message is neither stored nor relayed again; a new push name updates the contact', async () => {
    const before = hooks('messages.upsert').length
    sock().ev.emit('messages.upsert', { type: 'notify', messages: [{ key: { remoteJid: ANA, fromMe: false, id: 'A1' }, pushName: 'Ana', messageTimestamp: 1_720_000_000, message: { conversation: 'hola' } }] })
    sock().ev.emit('messages.upsert', { type: 'notify', messages: [{ key: { remoteJid: ANA, fromMe: false, id: 'A2' }, pushName: 'Ana María', messageTimestamp: 1_720_000_010, message: { conversation: 'otra' } }] })
    await flushed()
    await waitFor(() => hooks('messages.upsert').length === before + 1)
    expect((await find('findMessages', { where: { key: { remoteJid: ANA } } })).messages.total).toBe(2)
    expect(await chat(ANA)).toMatchObject({ unreadCount: 2, pushName: 'Ana María', name: 'Ana' })
    await waitFor(() => hooks('contacts.update').some((d) => d[0]?.pushName === 'Ana María'))
  })

  it('a message sent from the phone resets the unread count; a group message records its participant (LID -> phone)', async () => {
    sock().ev.emit('messages.upsert', { type: 'notify', messages: [{ key: { remoteJid: ANA, fromMe: true, id: 'A3' }, messageTimestamp: 1_720_000_020, message: { conversation: 'ya voy' } }] })
    sock().ev.emit('messages.upsert', {
      type: 'notify',
      messages: [{ key: { remoteJid: GROUP, fromMe: false, id: 'G1', participant: '777@lid', participantAlt: BETO }, pushName: 'Beto', messageTimestamp: 1_720_000_030, message: { conversation: 'grupo' } }],
    })
    await flushed()
    expect(await chat(ANA)).toMatchObject({ unreadCount: 0, lastMessage: { key: { id: 'A3', fromMe: true }, pushName: 'Você' } })
    const g = (await find('findMessages', { where: { key: { participant: BETO } } })).messages.records
    expect(g.map((r: any) => [r.key.id, r.key.participant, r.pushName])).toEqual([['G1', BETO, 'Beto']])
    // The group is not named after a member; the member is a contact of its own.
    expect(await chat(GROUP)).toMatchObject({ name: null, pushName: null, unreadCount: 1 })
    expect(await find('findContacts', { where: { remoteJid: BETO } })).toHaveLength(1)
    expect(await find('findContacts', { where: { remoteJid: GROUP } })).toEqual([])
  })

  it("our own send's echo (Baileys' append of it) is not stored twice nor relayed as messages.upsert", async () => {
    const sent = await up.req('POST', '/message/sendText/st', { body: { number: BETO, text: 'desde la API' } })
    expect(sent.status).toBe(201)
    const before = hooks('messages.upsert').length
    sock().ev.emit('messages.upsert', { type: 'append', messages: [{ key: { remoteJid: BETO, fromMe: true, id: sent.body.key.id }, messageTimestamp: 1_720_000_040, message: { conversation: 'desde la API' } }] })
    await flushed()
    const rows = await up.deps.sql`select origin from upstream.messages where key_id = ${sent.body.key.id}`
    expect(rows).toEqual([{ origin: 'send' }])
    await up.deps.webhooks.idle()
    expect(hooks('messages.upsert').length).toBe(before)
  })
})

describe('messaging-history.set', () => {
  it('fills chats (LID chats by their phone JID), contacts and messages; chats.set, contacts.upsert, messages.set', async () => {
    const CARLA = '595981000203@s.whatsapp.net'
    sock().ev.emit('messaging-history.set', {
      chats: [
        { id: '888@lid', pnJid: CARLA, name: 'Carla', unreadCount: 3, archived: true },
        { id: '120363000000000009@g.us', name: 'Old Group', unreadCount: 0 },
      ],
      contacts: [{ id: '888@lid', phoneNumber: CARLA, name: 'Carla (saved)', notify: 'Carlita' }],
      messages: [
        { key: { remoteJid: '888@lid', remoteJidAlt: CARLA, fromMe: true, id: 'H2' }, messageTimestamp: long(1_600_000_100), status: 4, message: { conversation: 'second' } },
        { key: { remoteJid: '888@lid', remoteJidAlt: CARLA, fromMe: false, id: 'H1' }, pushName: 'Carlita', messageTimestamp: long(1_600_000_000), message: { imageMessage: { caption: 'foto', mimetype: 'image/jpeg', url: 'https://mmg.whatsapp.net/x.enc', directPath: '/x.enc', mediaKey: new Uint8Array([1, 2, 3]), fileLength: long(99) } } },
      ],
      isLatest: true,
    })
    await flushed()
    const c = await chat(CARLA)
    expect(c).toMatchObject({ pushName: 'Carla (saved)', unreadCount: 3, archived: true, lastMessage: { key: { id: 'H2' }, messageTimestamp: 1_600_000_100 } })
    const hist = (await find('findMessages', { where: { key: { remoteJid: CARLA } } })).messages
    expect(hist.records.map((r: any) => [r.key.id, r.status])).toEqual([['H2', 'READ'], ['H1', 'DELIVERY_ACK']])
    const [media] = await up.deps.sql`select media_type, media_mimetype, media_url, media_direct_path, media_key, media_file_length::int as len, origin from upstream.messages where key_id = 'H1'`
    expect(media).toEqual({ mediaType: 'image', mediaMimetype: 'image/jpeg', mediaUrl: 'https://mmg.whatsapp.net/x.enc', mediaDirectPath: '/x.enc', mediaKey: 'AQID', len: 99, origin: 'history' })
    // History pushNames are old: they do not replace the phone's saved name.
    expect((await find('findContacts', { where: { remoteJid: CARLA } }))[0]).toMatchObject({ pushName: 'Carla (saved)' })
    await waitFor(() => hooks('chats.set').length === 1 && hooks('messages.set').length === 1)
    expect(hooks('chats.set')[0]).toEqual(expect.arrayContaining([{ remoteJid: CARLA, instanceId: expect.any(String), name: 'Carla' }]))
    expect(hooks('messages.set')[0].map((m: any) => m.key.id)).toEqual(['H1', 'H2'])
    await waitFor(() => hooks('contacts.upsert').some((d) => d.some((x: any) => x.remoteJid === CARLA)))

    // The same batch again adds nothing and emits no second messages.set.
    sock().ev.emit('messaging-history.set', { chats: [], contacts: [], messages: [{ key: { remoteJid: CARLA, fromMe: true, id: 'H2' }, messageTimestamp: 1_600_000_100, message: { conversation: 'second' } }] })
    await flushed()
    await up.deps.webhooks.idle()
    expect(hooks('messages.set')).toHaveLength(1)
  })
})

describe('chats.* and contacts.*', () => {
  const DORA = '595981000204@s.whatsapp.net'
  it('chats.upsert creates, chats.update changes (whole state in the webhook), chats.delete removes', async () => {
    sock().ev.emit('chats.upsert', [{ id: DORA, name: 'Dora', unreadCount: 2 }])
    await flushed()
    expect(await chat(DORA)).toMatchObject({ unreadCount: 2, name: 'Dora', lastMessage: null })
    // chats.update's unreadCount is a change: +n more received (counted with the messages, so ignored here).
    sock().ev.emit('chats.update', [{ id: DORA, unreadCount: 1, conversationTimestamp: 1_720_000_000 }])
    await flushed()
    expect(await chat(DORA)).toMatchObject({ unreadCount: 2 })
    // 0 = read on the phone, -1 = marked unread.
    sock().ev.emit('chats.update', [{ id: DORA, archived: true, pinned: 1_720_000_000, unreadCount: 0, muteEndTime: long(1_900_000_000_000) }])
    sock().ev.emit('chats.update', [{ id: DORA, unreadCount: -1 }])
    sock().ev.emit('chats.update', [{ id: DORA, archived: true }]) // no change: no webhook
    await flushed()
    expect(await chat(DORA)).toMatchObject({ unreadCount: 0, archived: true, pinned: true })
    await waitFor(() => hooks('chats.update').some((d) => d[0]?.remoteJid === DORA))
    await waitFor(() => hooks('chats.update').filter((d) => d[0]?.remoteJid === DORA).length === 2)
    const updates = hooks('chats.update').filter((d) => d[0]?.remoteJid === DORA)
    const state = { remoteJid: DORA, instanceId: expect.any(String), name: 'Dora', unreadMessages: 0, archived: true, pinned: true, muteEndTime: 1_900_000_000_000, labels: [] }
    expect(updates).toEqual([[{ ...state, markedUnread: false }], [{ ...state, markedUnread: true }]])
    sock().ev.emit('chats.delete', [DORA])
    await flushed()
    expect(await find('findChats', { where: { remoteJid: DORA } })).toEqual([])
    await waitFor(() => hooks('chats.delete').some((d) => d[0] === DORA))
  })

  it('contacts.upsert creates, contacts.update changes; imgUrl "changed" keeps the stored picture', async () => {
    sock().ev.emit('contacts.upsert', [{ id: DORA, notify: 'Dorita', imgUrl: 'https://pps.whatsapp.net/dora.jpg' }])
    await flushed()
    sock().ev.emit('contacts.update', [{ id: DORA, notify: 'Dora D.', imgUrl: 'changed' }])
    await flushed()
    expect((await find('findContacts', { where: { remoteJid: DORA } }))[0]).toMatchObject({ pushName: 'Dora D.', profilePicUrl: 'https://pps.whatsapp.net/dora.jpg', isSaved: true })
    await waitFor(() => hooks('contacts.update').some((d) => d[0]?.remoteJid === DORA))
    expect(hooks('contacts.upsert').find((d) => d[0]?.remoteJid === DORA)).toEqual([{ remoteJid: DORA, pushName: 'Dorita', profilePicUrl: 'https://pps.whatsapp.net/dora.jpg', instanceId: expect.any(String) }])
  })
})

describe('messages.update and messages.delete', () => {
  const EVA = '595981000205@s.whatsapp.net'
  const key = (id: string, fromMe = false) => ({ remoteJid: EVA, fromMe, id })

  it('reading a received message on the phone: its status history, and the chat read up to it', async () => {
    sock().ev.emit('messages.upsert', {
      type: 'notify',
      messages: [1, 2, 3].map((n) => ({ key: key(`E${n}`), pushName: 'Eva', messageTimestamp: 1_720_000_100 + n, message: { conversation: `m${n}` } })),
    })
    await flushed()
    expect((await chat(EVA)).unreadCount).toBe(3)
    sock().ev.emit('messages.update', [{ key: key('E2'), update: { status: 4 } }])
    await flushed()
    expect((await chat(EVA)).unreadCount).toBe(1)
    const statuses = await find('findStatusMessage', { where: { id: 'E2' } })
    expect(statuses).toEqual([expect.objectContaining({ keyId: 'E2', remoteJid: EVA, fromMe: false, status: 'READ', participant: null, pollUpdates: null })])
    const rec = (await find('findMessages', { where: { key: { id: 'E2' } } })).messages.records[0]
    expect(rec.MessageUpdate).toEqual([{ status: 'READ' }])
    await waitFor(() => hooks('messages.update').some((d) => d.keyId === 'E2' && d.fromMe === false && d.status === 'READ'))
    await waitFor(() => hooks('chats.update').some((d) => d[0]?.remoteJid === EVA && d[0].unreadMessages === 1))
  })

  it('a revoke keeps the row flagged deleted: MessageUpdate DELETED and messages.delete with the key', async () => {
    sock().ev.emit('messages.update', [{ key: key('E1'), update: { message: null, messageStubType: 1, key: key('REVOKE-PROTO') } }])
    await flushed()
    const rec = (await find('findMessages', { where: { key: { id: 'E1' } } })).messages.records[0]
    expect(rec.key).toEqual({ remoteJid: EVA, fromMe: false, id: 'E1', deleted: true })
    expect(rec.MessageUpdate).toEqual([{ status: 'DELETED' }])
    await waitFor(() => hooks('messages.delete').some((d) => d.id === 'E1'))
    expect(hooks('messages.delete').find((d) => d.id === 'E1')).toEqual({ remoteJid: EVA, fromMe: false, id: 'E1' })
  })

  it('an edit replaces the content: MessageUpdate EDITED and messages.edited with the new content', async () => {
    sock().ev.emit('messages.update', [{ key: key('E3'), update: { message: { editedMessage: { message: { conversation: 'm3 (editado)' } } }, messageTimestamp: 1_720_000_200 } }])
    await flushed()
    const rec = (await find('findMessages', { where: { key: { id: 'E3' } } })).messages.records[0]
    expect(rec.message).toEqual({ conversation: 'm3 (editado)' })
    expect(rec.MessageUpdate).toEqual([{ status: 'EDITED' }])
    await waitFor(() => hooks('messages.edited').length === 1)
    expect(hooks('messages.edited')[0]).toEqual({ key: { remoteJid: EVA, fromMe: false, id: 'E3' }, type: 'MESSAGE_EDIT', editedMessage: { conversation: 'm3 (editado)' }, timestampMs: '1720000200000' })
  })

  it('poll votes: a status row carrying them and messages.update with pollUpdates', async () => {
    const sent = await up.req('POST', '/message/sendPoll/st', { body: { number: EVA, name: '¿Sí?', selectableCount: 1, values: ['Sí', 'No'] } })
    const pollKey = key(sent.body.key.id, true)
    sock().ev.emit('messages.update', [{ key: pollKey, update: { pollUpdates: [{ pollUpdateMessageKey: key('V1'), vote: { selectedOptions: [new Uint8Array([9])] }, senderTimestampMs: 1 }] } }])
    await flushed()
    const [row] = await find('findStatusMessage', { where: { id: sent.body.key.id } })
    expect(row).toMatchObject({ status: 'PENDING', pollUpdates: [{ pollUpdateMessageKey: { id: 'V1' }, vote: { selectedOptions: [{ 0: 9 }] } }] })
    await waitFor(() => hooks('messages.update').some((d) => d.keyId === sent.body.key.id && Array.isArray(d.pollUpdates)))
  })

  it('messages.delete: deleted on the phone (keys), or the whole chat cleared', async () => {
    sock().ev.emit('messages.delete', { keys: [key('E2')] })
    await flushed()
    expect((await find('findMessages', { where: { key: { id: 'E2' } } })).messages.records[0].key.deleted).toBe(true)
    sock().ev.emit('messages.delete', { jid: EVA, all: true })
    await flushed()
    const all = (await find('findMessages', { where: { key: { remoteJid: EVA } } })).messages.records
    expect(all.every((r: any) => r.key.deleted === true)).toBe(true)
    await waitFor(() => hooks('messages.delete').some((d) => d.remoteJid === EVA && d.all === true))
  })

  it("presence.update is relayed in Baileys' own shape", async () => {
    sock().ev.emit('presence.update', { id: ANA, presences: { [ANA]: { lastKnownPresence: 'composing', lastSeen: 1_720_000_500 } } })
    const hit = await waitFor(() => hooks('presence.update').find((d) => d.id === ANA))
    expect(hit).toEqual({ id: ANA, presences: { [ANA]: { lastKnownPresence: 'composing', lastSeen: 1_720_000_500 } } })
  })
})

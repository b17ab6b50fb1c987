// WhatsApp's error acks (nacks) on the Baileys driver with the scripted socket: Baileys' handleBadAck
// emits messages.update {status: ERROR, messageStubParameters: [code, text?]}; the code reaches the
// message's status and the messages.update webhook as `error: {code, message}`, which the gateway's
// ban signals read (463 = reach-out timelock).
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startBaileysRig, type BaileysRig } from '../../testing/baileys-rig.js'
import { waitFor } from '../../testing/upstream-harness.js'
import { nackError } from './events.js'

const N = '595981123457'
const JID = `${N}@s.whatsapp.net`
let rig: BaileysRig

beforeAll(async () => {
  rig = await startBaileysRig({ instance: 'nk', events: ['MESSAGES_UPDATE'] })
})
afterAll(async () => {
  await rig?.close()
})

const send = async (text: string) => {
  const res = await rig.up.req('POST', '/message/sendText/nk', { body: { number: N, text } })
  expect(res.status, JSON.stringify(res.body)).toBe(201)
  return { remoteJid: JID, fromMe: true, id: res.body.key.id as string }
}

describe('nacks', () => {
  it('a 463 nack (timelock) becomes an ERROR ack carrying code 463 and Baileys\' text', async () => {
    const key = await send('first contact')
    rig.sock().ev.emit('messages.update', [{ key, update: { status: 0, messageStubParameters: ['463', 'Your account has been restricted'] } }])
    await waitFor(() => rig.hooks('messages.update').some((d) => d.keyId === key.id))
    const hook = rig.hooks('messages.update').find((d) => d.keyId === key.id)
    expect(hook).toMatchObject({ status: 'ERROR', fromMe: true, error: { code: 463, message: 'Your account has been restricted' } })
    await waitFor(async () => (await rig.up.deps.sql`select status from upstream.messages where key_id = ${key.id}`)[0]?.status === 'ERROR')
  })

  it('another code keeps it; an ERROR without a numeric code has no error field', async () => {
    const a = await send('a')
    const b = await send('b')
    rig.sock().ev.emit('messages.update', [{ key: a, update: { status: 0, messageStubParameters: ['479'] } }, { key: b, update: { status: 0 } }])
    await waitFor(() => rig.hooks('messages.update').filter((d) => d.keyId === a.id || d.keyId === b.id).length === 2)
    expect(rig.hooks('messages.update').find((d) => d.keyId === a.id).error).toEqual({ code: 479, message: 'stanza rejected by the server (smax-invalid)' })
    expect(rig.hooks('messages.update').find((d) => d.keyId === b.id)).not.toHaveProperty('error')
  })

  it('nackError reads only a numeric first parameter', () => {
    expect(nackError(['463'])).toEqual({ code: 463, message: 'account restricted: reach-out timelock or missing privacy token' })
    expect(nackError(['400', ''])).toEqual({ code: 400, message: 'message refused by WhatsApp' })
    expect(nackError(['Missing keys'])).toBeUndefined()
    expect(nackError(undefined)).toBeUndefined()
  })
})

import { describe, expect, it } from 'vitest'
import { liveEventFrom, numberFromJid } from './events.js'

describe('liveEventFrom', () => {
  it('maps connection.update to instance.state with the linked number', () => {
    const e = liveEventFrom('shop', { event: 'connection.update', apikey: 'secret', data: { instance: 'shop', state: 'open', wuid: '595981000001:3@s.whatsapp.net', profileName: 'Shop', statusReason: 200 } })
    expect(e).toEqual({ type: 'instance.state', instance: 'shop', state: 'open', number: '595981000001', profileName: 'Shop', statusReason: 200 })
    expect(liveEventFrom('shop', { event: 'CONNECTION_UPDATE', data: { state: 'close', statusReason: 401 } })).toMatchObject({ state: 'close', number: null, statusReason: 401 })
  })

  it('maps qrcode.updated, and ignores other events and malformed data', () => {
    expect(liveEventFrom('shop', { event: 'qrcode.updated', data: { qrcode: { base64: 'data:image/png;base64,AA', pairingCode: null, count: 2 } } }))
      .toEqual({ type: 'instance.qrcode', instance: 'shop', base64: 'data:image/png;base64,AA', pairingCode: null, count: 2 })
    expect(liveEventFrom('shop', { event: 'qrcode.updated', data: { message: 'QR code limit reached' } })).toBeNull()
    expect(liveEventFrom('shop', { event: 'messages.upsert', data: { key: {} } })).toBeNull()
    expect(liveEventFrom('shop', { event: 'connection.update', data: 'x' })).toBeNull()
    expect(liveEventFrom('', { event: 'connection.update', data: { state: 'open' } })).toBeNull()
  })

  it('numberFromJid keeps digits of a user JID only', () => {
    expect(numberFromJid('595981000001@s.whatsapp.net')).toBe('595981000001')
    expect(numberFromJid('120363000000@g.us')).toBe('120363000000')
    expect(numberFromJid('abc@s.whatsapp.net')).toBeNull()
    expect(numberFromJid(null)).toBeNull()
  })
})

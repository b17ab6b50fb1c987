/** The create-instance form's checks (gateway/panel/src/lib/instance-rules.ts), which mirror the gateway's. */
import { describe, expect, it } from 'vitest'
import { buildCreateBody, integrationLabel, PAIRING_NUMBER_PATTERN, type CreateInput } from './instance-rules.js'

const base: CreateInput = { name: 'shop', integration: 'WHATSAPP-BAILEYS', token: '', number: '', businessId: '' }
const cloud: CreateInput = { ...base, integration: 'WHATSAPP-BUSINESS', token: ' EAAGtoken \n', number: '106 540 352', businessId: '' }

describe('buildCreateBody', () => {
  it('WhatsApp Web: name only; the QR comes from the connect window', () => {
    expect(buildCreateBody({ ...base, name: ' sales-1 ', token: 'ignored' })).toEqual({ ok: true, body: { instanceName: 'sales-1', integration: 'WHATSAPP-BAILEYS', qrcode: false } })
  })

  it('instance names follow the gateway rule', () => {
    for (const bad of ['', '   ', '-lead', 'a b', 'a/b', 'ñandu', 'x'.repeat(101)]) {
      expect(buildCreateBody({ ...base, name: bad }), bad).toMatchObject({ ok: false, field: 'name' })
    }
    expect(buildCreateBody({ ...base, name: 'x'.repeat(100) }).ok).toBe(true)
  })

  it('Cloud API: trims the token, drops spaces in the ids, leaves out an empty business id', () => {
    expect(buildCreateBody(cloud)).toEqual({ ok: true, body: { instanceName: 'shop', integration: 'WHATSAPP-BUSINESS', token: 'EAAGtoken', number: '106540352' } })
    expect(buildCreateBody({ ...cloud, businessId: '2200 0000' })).toMatchObject({ ok: true, body: { businessId: '22000000' } })
  })

  it('Cloud API: refuses what the gateway refuses, naming the field', () => {
    expect(buildCreateBody({ ...cloud, token: '  ' })).toMatchObject({ ok: false, field: 'token' })
    for (const n of ['', '1234', '+595981123456', '1'.repeat(21), 'abc12345']) {
      expect(buildCreateBody({ ...cloud, number: n }), n).toMatchObject({ ok: false, field: 'number', error: expect.stringMatching(/not the phone number/) })
    }
    expect(buildCreateBody({ ...cloud, businessId: 'waba-1' })).toMatchObject({ ok: false, field: 'businessId' })
  })
})

describe('integrationLabel', () => {
  it('names both drivers; absent means WhatsApp Web (the gateway default)', () => {
    expect(integrationLabel('WHATSAPP-BUSINESS')).toBe('WhatsApp Cloud API')
    expect(integrationLabel('WHATSAPP-BAILEYS')).toBe('WhatsApp Web (Baileys)')
    expect(integrationLabel(undefined)).toBe('WhatsApp Web (Baileys)')
    expect(integrationLabel('EVOLUTION')).toBe('EVOLUTION')
  })
})

describe('PAIRING_NUMBER_PATTERN', () => {
  it('compiles under the v flag (as browsers do) and checks the number', () => {
    const re = new RegExp(`^(?:${PAIRING_NUMBER_PATTERN})$`, 'v')
    for (const ok of ['595981123456', '+595 981 123456', '+1 (555) 010-0000']) expect(re.test(ok), ok).toBe(true)
    for (const bad of ['12345', 'abc12345678', '595981123456x']) expect(re.test(bad), bad).toBe(false)
  })
})

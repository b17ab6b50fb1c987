// Reading Evolution's stored Baileys auth state: the double JSON encoding of its Prisma store, Buffers
// written as byte arrays by older writers, what makes creds unusable, and its Redis key names.
import { BufferJSON, initAuthCreds } from '@whiskeysockets/baileys'
import { describe, expect, it } from 'vitest'
import { normalizeBuffers, readCreds, readKeyValue, splitKeyName } from './evolution-creds.js'

const linked = () => Object.assign(initAuthCreds(), { me: { id: '595981000777:4@s.whatsapp.net' } })
const text = (c: unknown) => JSON.stringify(c, BufferJSON.replacer)

describe('readCreds', () => {
  it('reads the JSON string Evolution stores (and plain JSON), keeping the BufferJSON text Baileys revives', () => {
    const c = linked()
    for (const stored of [JSON.stringify(text(c)), text(c)]) {
      const v = readCreds(stored)
      expect(v).toMatchObject({ ok: true, linkedAs: '595981000777:4@s.whatsapp.net' })
      if (!v.ok) throw new Error('unreachable')
      const back = JSON.parse(v.json, BufferJSON.reviver) as ReturnType<typeof initAuthCreds>
      expect(Buffer.from(back.noiseKey.private).equals(Buffer.from(c.noiseKey.private))).toBe(true)
    }
  })

  it('never-linked creds are readable but link no account', () => {
    expect(readCreds(JSON.stringify(text(initAuthCreds())))).toMatchObject({ ok: true, linkedAs: null })
  })

  it('refuses what a login could not use, saying why', () => {
    expect(readCreds(null)).toEqual({ ok: false, why: 'no stored auth state (Session row missing or empty)' })
    expect(readCreds('{not json')).toEqual({ ok: false, why: 'stored auth state is not JSON' })
    const v = readCreds('{"noiseKey":{}}')
    expect(v.ok).toBe(false)
    if (!v.ok) expect(v.why).toMatch(/^stored auth state is incomplete \(noiseKey/)
  })

  it('rewrites Buffers stored as byte arrays into base64, which the current reviver reads', () => {
    expect(normalizeBuffers({ k: { type: 'Buffer', data: [1, 2, 255] }, list: [{ type: 'Buffer', data: [0] }] })).toEqual({
      k: { type: 'Buffer', data: 'AQL/' }, list: [{ type: 'Buffer', data: 'AA==' }],
    })
  })
})

describe('Evolution Redis keys', () => {
  it('splits `<type>-<id>` on the longest known type', () => {
    expect(splitKeyName('pre-key-12')).toEqual({ type: 'pre-key', id: '12' })
    expect(splitKeyName('sender-key-memory-123@g.us')).toEqual({ type: 'sender-key-memory', id: '123@g.us' })
    expect(splitKeyName('sender-key-123@g.us::1::0')).toEqual({ type: 'sender-key', id: '123@g.us::1::0' })
    expect(splitKeyName('app-state-sync-key-AAAA-BBB')).toEqual({ type: 'app-state-sync-key', id: 'AAAA-BBB' })
    expect(splitKeyName('session-')).toBeNull()
    expect(splitKeyName('creds')).toBeNull()
  })

  it('keeps a value that is itself a string (one JSON decoding only)', () => {
    expect(readKeyValue(JSON.stringify('123@lid'))).toBe('"123@lid"')
    expect(readKeyValue('nope')).toBeNull()
  })
})

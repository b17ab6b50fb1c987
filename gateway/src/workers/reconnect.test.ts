import { describe, expect, it } from 'vitest'
import { backoffMs, FINAL_DISCONNECT_CODES, normalizeInstances } from './reconnect.js'

describe('normalizeInstances', () => {
  it('reads v2 flat rows and v1 nested rows', () => {
    expect(
      normalizeInstances([
        { name: 'a', connectionStatus: 'open' },
        { instance: { instanceName: 'b', state: 'close' } },
        { name: 'c', connectionStatus: 'close', instance: { instanceName: 'c', state: 'close' } },
        { junk: true },
      ]),
    ).toEqual([
      { name: 'a', state: 'open', reasonCode: null },
      { name: 'b', state: 'close', reasonCode: null },
      { name: 'c', state: 'close', reasonCode: null },
    ])
    expect(normalizeInstances({ error: 'x' })).toEqual([])
  })

  it('keeps the last disconnect code when the upstream reports one', () => {
    expect(normalizeInstances([{ name: 'a', connectionStatus: 'close', disconnectionReasonCode: 440 }, { name: 'b', connectionStatus: 'close', disconnectionReasonCode: '401' }])).toEqual([
      { name: 'a', state: 'close', reasonCode: 440 },
      { name: 'b', state: 'close', reasonCode: null },
    ])
  })
})

describe('FINAL_DISCONNECT_CODES', () => {
  it('are the codes after which the upstream does not retry either', () => {
    expect([...FINAL_DISCONNECT_CODES].sort()).toEqual([401, 403, 405, 440, 500])
    expect(FINAL_DISCONNECT_CODES.has(428)).toBe(false)
    expect(FINAL_DISCONNECT_CODES.has(408)).toBe(false)
  })
})

describe('backoffMs', () => {
  it('doubles from 3 minutes up to an hour', () => {
    expect(backoffMs(0)).toBe(0)
    expect(backoffMs(1)).toBe(180_000)
    expect(backoffMs(2)).toBe(360_000)
    expect(backoffMs(5)).toBe(2_880_000)
    expect(backoffMs(6)).toBe(3_600_000)
    expect(backoffMs(30)).toBe(3_600_000)
  })
})

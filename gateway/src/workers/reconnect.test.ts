import { describe, expect, it } from 'vitest'
import { backoffMs, normalizeInstances } from './reconnect.js'

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
      { name: 'a', state: 'open' },
      { name: 'b', state: 'close' },
      { name: 'c', state: 'close' },
    ])
    expect(normalizeInstances({ error: 'x' })).toEqual([])
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

import { describe, expect, it } from 'vitest'
import { defaultInstance, sendBlockReason } from './send-readiness.js'

describe('send readiness', () => {
  it('only an open instance can send; the others say why', () => {
    expect(sendBlockReason({ name: 'support', state: 'open' })).toBeNull()
    expect(sendBlockReason({ name: 'support', state: 'close' })).toBe('support is not connected: connect it first (Instances)')
    expect(sendBlockReason({ name: 'support' })).toBe('support is not connected: connect it first (Instances)')
    expect(sendBlockReason({ name: 'support', state: 'connecting' })).toMatch(/^support is still connecting/)
    expect(sendBlockReason(null)).toBe('Choose an instance')
  })
  it('starts with the current choice, else the first that can send', () => {
    const list = [
      { name: 'a', state: 'close' },
      { name: 'b', state: 'open' },
    ]
    expect(defaultInstance(list, 'a')).toBe('a')
    expect(defaultInstance(list, '')).toBe('b')
    expect(defaultInstance([{ name: 'a', state: 'close' }], '')).toBe('a')
    expect(defaultInstance([], '')).toBeNull()
  })
})

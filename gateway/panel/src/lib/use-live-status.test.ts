import { describe, expect, it } from 'vitest'
import { newerStatus } from './use-live-status.js'

describe('newerStatus', () => {
  it('moves forward only, and never out of failed or cancelled', () => {
    expect(newerStatus('sent', 'delivered')).toBe('delivered')
    expect(newerStatus('read', 'delivered')).toBe('read')
    expect(newerStatus('sent', 'failed')).toBe('failed')
    expect(newerStatus('failed', 'read')).toBe('failed')
    expect(newerStatus('cancelled', 'sent')).toBe('cancelled')
    expect(newerStatus(null, 'sent')).toBe('sent')
    expect(newerStatus('sent', null)).toBe('sent')
  })
})

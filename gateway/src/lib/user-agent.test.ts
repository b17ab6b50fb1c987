/** @module lib/user-agent tests: readable device names for the Sessions screens. */
import { describe, expect, it } from 'vitest'
import { describeUserAgent } from './user-agent.js'

describe('describeUserAgent', () => {
  it('names browser and system', () => {
    expect(describeUserAgent('Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36')).toBe('Chrome on Linux')
    expect(describeUserAgent('Mozilla/5.0 (iPhone; CPU iPhone OS 17_2 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.2 Mobile/15E148 Safari/604.1')).toBe('Safari on iOS')
    expect(describeUserAgent('Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:133.0) Gecko/20100101 Firefox/133.0')).toBe('Firefox on Windows')
  })
  it('keeps the product of non-browsers, null when absent', () => {
    expect(describeUserAgent('curl/8.5.0')).toBe('curl')
    expect(describeUserAgent('')).toBeNull()
    expect(describeUserAgent(null)).toBeNull()
  })
})

/** @module services/audit tests: scrubDetails never lets a secret through (D4, docs/decisions.md#d4). */
import { describe, expect, it } from 'vitest'
import { scrubDetails } from './audit.js'

describe('scrubDetails', () => {
  it('turns a password into password_changed and redacts other secrets', () => {
    expect(scrubDetails({ password: 'Secret123', new_password: 'x', token: 't', api_key: 'k', totp_code: '123456', secret: 's', role: 'admin' })).toEqual({
      password_changed: true,
      token: '[redacted]',
      api_key: '[redacted]',
      totp_code: '[redacted]',
      secret: '[redacted]',
      role: 'admin',
    })
  })
  it('keeps booleans such as password_changed: true', () => {
    expect(scrubDetails({ password_changed: true, regenerate_token: true })).toEqual({ password_changed: true, regenerate_token: true })
  })
  it('scrubs nested objects and keeps arrays and plain values', () => {
    expect(scrubDetails({ user: { username: 'bob', password_hash: '$argon2id$...' }, instances: ['a', 'b'], n: 1 })).toEqual({
      user: { username: 'bob', password_hash: '[redacted]' },
      instances: ['a', 'b'],
      n: 1,
    })
  })
  it('walks any depth without recursion, scrubbing at the bottom too', () => {
    const depth = 100_000
    const deep = JSON.parse(`${'{"a":'.repeat(depth)}{"token":"t","x":1}${'}'.repeat(depth)}`) as Record<string, unknown>
    let node = scrubDetails(deep)
    for (let i = 0; i < depth; i++) node = node.a as Record<string, unknown>
    expect(node).toEqual({ token: '[redacted]', x: 1 })
  })
})

/** @module routes/admin-users/schemas tests: create/update body rules, order and messages (R4, docs/decisions.md#r4). */
import { describe, expect, it } from 'vitest'
import { readCreate, readUpdate } from './schemas.js'

const err = (f: () => unknown) => {
  try {
    f()
    return null
  } catch (e) {
    return (e as Error).message
  }
}

describe('readCreate', () => {
  it('applies defaults and turns "" into null', () => {
    expect(readCreate({ username: 'bob_1', password: 'Passw0rdX', email: '', phone_number: '' })).toEqual({
      username: 'bob_1', password: 'Passw0rdX', role: 'user', max_instances: 1, email: null, phone_number: null, rate_limit: null,
    })
    expect(readCreate({ username: 'bob_1', password: 'Passw0rdX', max_instances: '3', rate_limit: '0' })).toMatchObject({ max_instances: 3, rate_limit: 0 })
  })
  it.each([
    [{ username: 'bob_1' }, 'username and password are required'],
    [{ username: 'b', password: 'x' }, 'Username must be between 3 and 50 characters'],
    [{ username: 'bob_1', password: 'x' }, 'Password must be at least 8 characters'],
    [{ username: 'bob_1', password: 'Passw0rdX', role: 'root' }, "role must be 'user' or 'admin'"],
    [{ username: 'bob_1', password: 'Passw0rdX', max_instances: 0 }, 'max_instances must be a positive integer'],
    [{ username: 'bob_1', password: 'Passw0rdX', max_instances: '0x10' }, 'max_instances must be a positive integer'],
    [{ username: 'bob_1', password: 'Passw0rdX', email: 'x' }, 'Invalid email format'],
    [{ username: 'bob_1', password: 'Passw0rdX', phone_number: '1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6' }, 'Phone number must be at most 30 characters'],
    [{ username: 'bob_1', password: 'Passw0rdX', rate_limit: 3.5 }, 'rate_limit must be a non-negative integer or null'],
    [{ username: 'bob_1', password: 'Passw0rdX', rate_limit: 2 ** 31 }, 'rate_limit must be a non-negative integer or null'],
  ])('%j -> %s', (body, message) => expect(err(() => readCreate(body))).toBe(message))
})

describe('readUpdate', () => {
  it('keeps only effective fields; null rate_limit and -1 max_instances are allowed', () => {
    expect(readUpdate({ rate_limit: null, max_instances: -1, regenerate_token: false, unlock: true, other: 1 })).toEqual({ rate_limit: null, max_instances: -1, unlock: true })
    expect(readUpdate({ email: '', phone_number: null })).toEqual({ email: null, phone_number: null })
  })
  it.each([
    [{}, 'No fields to update'],
    [{ regenerate_token: false, unlock: false }, 'No fields to update'],
    [{ is_active: 'false' }, 'is_active must be a boolean'],
    [{ is_active: 0 }, 'is_active must be a boolean'],
    [{ max_instances: -2 }, 'max_instances must be an integer >= -1'],
    [{ password: 'abcdefgh1' }, 'Password must contain at least one uppercase letter'],
    [{ regenerate_token: 'yes' }, 'regenerate_token must be a boolean'],
  ])('%j -> %s', (body, message) => expect(err(() => readUpdate(body))).toBe(message))
})

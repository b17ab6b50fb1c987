/** @module routes/admin-instances tests: the grant body takes user_id as the reference does (R4, docs/decisions.md#r4). */
import * as v from 'valibot'
import { describe, expect, it } from 'vitest'
import { ruleError } from '../../lib/rules.js'
import { GrantBody } from './index.js'

describe('GrantBody', () => {
  it.each([
    [{}, 'user_id is required'],
    [{ user_id: null }, 'user_id is required'],
    [{ user_id: true }, 'user_id must be a number'],
    [{ user_id: 1.5 }, 'user_id must be a number'],
    [{ user_id: 0 }, 'user_id must be a number'],
    [{ user_id: '12a' }, 'user_id must be a number'],
    [{ user_id: 2 ** 31 }, 'user_id must be a number'],
  ])('%j -> %s', (body, message) => expect(ruleError(GrantBody, body)).toBe(message))

  it('takes integers and numeric strings', () => {
    expect(v.parse(GrantBody, { user_id: 7 })).toEqual({ user_id: 7 })
    expect(v.parse(GrantBody, { user_id: ' 12 ' })).toEqual({ user_id: 12 })
  })
})

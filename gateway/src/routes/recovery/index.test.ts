/** @module routes/recovery tests: the recovery bodies keep the reference's messages and its identifier rule (R3, docs/decisions.md#r3). */
import * as v from 'valibot'
import { describe, expect, it } from 'vitest'
import { ruleError } from '../../lib/rules.js'
import { ForgotBody, ResetBody, VerifyBody } from './index.js'

const ID = 'username or email is required'

describe('recovery bodies', () => {
  it.each([
    [ForgotBody, {}, ID],
    [ForgotBody, { username: '' }, ID],
    [ForgotBody, { email: '' }, ID],
    // A present username is THE identifier, whatever email holds.
    [ForgotBody, { username: 5, email: 'a@b.c' }, ID],
    [ForgotBody, { username: 'u', email: 5 }, null],
    [ForgotBody, { email: 'a@b.c' }, null],
    [VerifyBody, { email: 'a@b.c' }, 'code is required'],
    [VerifyBody, { username: 'u', code: '' }, 'code is required'],
    [VerifyBody, { username: 5, code: '1' }, ID],
    [VerifyBody, { username: 'u', code: 123456 }, null],
    [ResetBody, { new_password: 'x' }, 'reset_token is required'],
    [ResetBody, { reset_token: 'abc' }, 'new_password is required'],
    [ResetBody, { reset_token: 'abc', new_password: null }, 'new_password is required'],
    [ResetBody, { reset_token: 'abc', new_password: '' }, 'new_password is required'],
    [ResetBody, { reset_token: 'abc', new_password: 5 }, 'Password is required'],
    [ResetBody, { reset_token: 'abc', new_password: 'short' }, 'Password must be at least 8 characters'],
    [ResetBody, { reset_token: 'abc', new_password: 'Passw0rdX' }, null],
  ] as const)('%#: %j -> %s', (schema, body, message) => expect(ruleError(schema, body)).toBe(message))

  it('keeps the identifier fields as sent', () => {
    expect(v.parse(VerifyBody, { username: 'u', email: 'e', code: '1' })).toMatchObject({ username: 'u', code: '1' })
  })
})

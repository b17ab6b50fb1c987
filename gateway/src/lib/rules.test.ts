/** @module lib/rules tests: the reference's validation messages, in its check order (R1, docs/decisions.md#r1). */
import { describe, expect, it } from 'vitest'
import { EmailRule, enumRule, InstanceNameRule, PasswordRule, PhoneRule, positiveIntRule, ruleError, stringRule, UsernameRule } from './rules.js'

describe('PasswordRule', () => {
  it.each([
    [undefined, 'Password is required'],
    [12345678, 'Password is required'],
    ['Ab1', 'Password must be at least 8 characters'],
    ['abcdefg1', 'Password must contain at least one uppercase letter'],
    ['ABCDEFG1', 'Password must contain at least one lowercase letter'],
    ['Abcdefgh', 'Password must contain at least one number'],
    ['Abcdefg1', null],
    ['ábcdéfg1', 'Password must contain at least one uppercase letter'], // ASCII classes, as the reference
    ['Ábcdéfg1X', null],
  ])('%j -> %s', (value, message) => expect(ruleError(PasswordRule, value)).toBe(message))
  it('counts bytes, not characters', () => expect(ruleError(PasswordRule, 'Aé1é')).toBe('Password must be at least 8 characters'))
})

describe('UsernameRule', () => {
  it.each([
    [null, 'Username is required'],
    ['ab', 'Username must be between 3 and 50 characters'],
    ['a'.repeat(51), 'Username must be between 3 and 50 characters'],
    ['bob-1', 'Username must contain only letters, numbers and underscores'],
    ["x' or 1=1--", 'Username must contain only letters, numbers and underscores'],
    ['bób', 'Username must contain only letters, numbers and underscores'],
    ['bob_1', null],
  ])('%j -> %s', (value, message) => expect(ruleError(UsernameRule, value)).toBe(message))
})

describe('EmailRule / PhoneRule', () => {
  it.each([
    [1, 'Email is required'],
    [`${'a'.repeat(251)}@x.io`, 'Email must be at most 255 characters'],
    ['nope', 'Invalid email format'],
    ['a@b.io', null],
  ])('email %j -> %s', (value, message) => expect(ruleError(EmailRule, value)).toBe(message))
  it.each([
    [5, 'Phone number is required'],
    ['+595 981', 'Phone number must contain only digits'],
    ['1234567', 'Phone number must be between 8 and 20 digits'],
    ['1'.repeat(21), 'Phone number must be between 8 and 20 digits'],
    ['0981 123 456', null],
  ])('phone %j -> %s', (value, message) => expect(ruleError(PhoneRule, value)).toBe(message))
})

describe('generic rules', () => {
  it('stringRule', () => {
    const r = stringRule('Name', 1, 5)
    expect([ruleError(r, undefined), ruleError(r, ''), ruleError(r, 'abcdef'), ruleError(r, 'abc')]).toEqual([
      'Name is required',
      'Name must be at least 1 characters',
      'Name must be at most 5 characters',
      null,
    ])
  })
  it('enumRule', () => {
    const r = enumRule('severity', ['minor', 'major'] as const)
    expect([ruleError(r, undefined), ruleError(r, 'x'), ruleError(r, 'minor')]).toEqual(['severity is required', 'severity must be one of: minor, major', null])
  })
  it('positiveIntRule accepts numbers and numeric strings only', () => {
    const r = positiveIntRule('max_instances')
    expect([ruleError(r, undefined), ruleError(r, 0), ruleError(r, 1.5), ruleError(r, 'x'), ruleError(r, '5'), ruleError(r, 3)]).toEqual([
      'max_instances is required',
      'max_instances must be a positive integer',
      'max_instances must be a positive integer',
      'max_instances must be a positive integer',
      null,
      null,
    ])
  })
  it('InstanceNameRule', () => {
    expect(ruleError(InstanceNameRule, '-bad')).toMatch(/^Instance name must start with/)
    expect(ruleError(InstanceNameRule, 'a'.repeat(101))).toBe('Instance name must be between 1 and 100 characters')
    expect(ruleError(InstanceNameRule, 'shop_1-a')).toBeNull()
  })
})

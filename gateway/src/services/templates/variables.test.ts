/** @module services/templates/variables tests: object recipients, variables' rules, per-recipient values and the refusal (send-variables). */
import * as v from 'valibot'
import { describe, expect, it } from 'vitest'
import { ApiError } from '../../errors/api-error.js'
import { recipientVariables, type Templating } from './send-variables.js'
import { splitRecipients, VariablesRule } from './variables.js'

describe('splitRecipients', () => {
  it('turns objects into numbers and keeps their variables', () => {
    const r = splitRecipients(['595981000001', 595981000002, { number: ' 595981000003 ', variables: { Name: 'Ana', n: 5 } }])
    expect(r.recipients).toEqual(['595981000001', 595981000002, '595981000003'])
    expect(r.own.get('595981000003')).toEqual({ name: 'Ana', n: '5' })
    expect(r.error).toBeNull()
  })
  it('names what is wrong, and leaves non-arrays to the recipients rule', () => {
    expect(splitRecipients([{ variables: {} }]).error).toBe('Invalid recipient: number is required')
    expect(splitRecipients([{ number: '1', variables: { 'a b': 'x' } }]).error).toBe('recipient variables: invalid key "a b" (letters, digits, _ or -)')
    expect(splitRecipients('x').recipients).toBe('x')
  })
})

describe('VariablesRule', () => {
  it.each([
    [{ a: 1, B: 'x' }, null],
    ['x', 'variables must be an object of {key: text}'],
    [{ a: { b: 1 } }, 'variables.a must be a string'],
    [{ a: 'x'.repeat(1001) }, 'variables.a must be at most 1000 characters'],
    [Object.fromEntries(Array.from({ length: 51 }, (_, i) => [`k${i}`, 'x'])), 'variables must have at most 50 keys'],
  ])('%#', (value, message) => {
    const r = v.safeParse(VariablesRule(), value, { abortEarly: true })
    expect(r.success ? null : r.issues[0]?.message).toBe(message)
  })
})

describe('recipientVariables', () => {
  const t = (over: Partial<Templating> = {}): Templating => ({ body: {}, global: {}, contacts: new Map(), own: new Map(), ...over })
  it('null without placeholders; otherwise the used keys per recipient, own > contact > global > stored > number', () => {
    expect(recipientVariables('text', 'plain', ['1'], t())).toBeNull()
    const out = recipientVariables('text', '{{name}} {{city}} {{number}}', ['1', '2', '1'], t({
      global: { name: 'g', city: 'G' },
      contacts: new Map([['1', { name: 'c' }]]),
      own: new Map([['2', { city: 'own' }]]),
    }), { '2': { name: 'stored', extra: 'dropped' } })
    expect(out).toEqual({ '1': { name: 'c', city: 'G', number: '1' }, '2': { name: 'g', city: 'own', number: '2' } })
  })
  it('refuses the first recipient lacking a value, naming both', () => {
    try {
      recipientVariables('image', JSON.stringify({ mediatype: 'image', media: 'https://x', caption: 'Hi {{name}}' }), ['1', '2'], t({ own: new Map([['1', { name: 'a' }]]) }))
      expect.unreachable()
    } catch (err) {
      expect(err).toBeInstanceOf(ApiError)
      expect((err as ApiError).message).toBe('Missing value for {{name}} (recipient 2)')
    }
  })
})

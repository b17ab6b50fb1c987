/** @module lib/body-schema tests: a missing key answers the field's own message, in key order, like reading field by field. */
import * as v from 'valibot'
import { describe, expect, it } from 'vitest'
import { fields } from './body-schema.js'
import { ruleError } from './rules.js'

const Body = fields({
  a: v.string('a is required'),
  b: v.picklist(['x', 'y'], (issue) => (issue.input === undefined ? 'b is missing' : 'b must be x or y')),
  c: v.optional(v.number('c must be a number'), 7),
})

describe('fields', () => {
  it.each([
    [{}, 'a is required'],
    [{ b: 'x' }, 'a is required'],
    [{ a: 1, b: 'z' }, 'a is required'],
    [{ a: 's' }, 'b is missing'],
    [{ a: 's', b: 'z' }, 'b must be x or y'],
    [{ a: 's', b: 'x', c: 'no' }, 'c must be a number'],
    [{ a: 's', b: 'x' }, null],
  ])('%j -> %s', (body, message) => expect(ruleError(Body, body)).toBe(message))

  it('keeps valibot output: defaults applied, unknown keys dropped', () => {
    expect(v.parse(Body, { a: 's', b: 'y', extra: 1 })).toEqual({ a: 's', b: 'y', c: 7 })
  })

  it('leaves valibot wording for a non-object', () => {
    expect(ruleError(Body, 'nope')).toMatch(/^Invalid type: Expected Object/)
  })
})

/**
 * @module tests/fuzz/values
 * Arbitraries for one field value: a plausible value from its JSON Schema, or a bad one (null, wrong
 * type, array for a scalar, out-of-range number, NUL, invalid UTF-8, 100,000 characters, RTL / emoji /
 * combining marks, SQL and shell metacharacters, deep nesting).
 */
import fc from 'fast-check'
import type { Schema } from './openapi-walk.js'

/** A field left out of the body / query. */
export const MISSING = Symbol('missing')
export type Value = unknown

/**
 * Stands for bytes that are not UTF-8 (0xFF 0xFE) inside a string: serialised as this private-use
 * pair, then swapped for the raw bytes (body) or %FF%FE (URL) by the request renderer.
 */
export const BAD_UTF8 = '\uE000\uE001'
export const BAD_UTF8_BYTES = Buffer.from(BAD_UTF8, 'utf8')

const HUGE = 100_000

export const nastyStrings: fc.Arbitrary<string> = fc.constantFrom(
  '',
  ' ',
  'a\u0000b',
  '\u0000',
  `x${BAD_UTF8}y`,
  BAD_UTF8,
  'a'.repeat(HUGE),
  '😀'.repeat(HUGE / 2),
  'e\u0301'.repeat(HUGE / 2),
  '\u202Eevil\u202C',
  'שלום עולם',
  '👩🏽‍💻🇵🇾',
  'e\u0301\u0302\u0303\u0304\u0305',
  '\u200B\uFEFF',
  '\uD800',
  "' OR '1'='1",
  "'; DROP TABLE taguato.users; --",
  '%_\\',
  '$(id)',
  '`id`',
  '; rm -rf / #',
  '| cat /etc/passwd',
  '../../../../etc/passwd',
  '{"$gt":""}',
  '<script>alert(1)</script>',
  '=cmd|"/c calc"!A1',
  'true',
  'null',
  '1',
  '-1',
  '0',
  '1e309',
  '99999999999999999999',
  '2026-13-45T99:99:99Z',
  '275760-09-13T00:00:00Z',
  '0000-01-01T00:00:00Z',
  '-000001-01-01T00:00:00Z',
  '1970-01-01',
  'http://127.0.0.1/x',
  'http://[::1]/',
  'javascript:alert(1)',
)

export const nastyNumbers: fc.Arbitrary<number> = fc.constantFrom(
  -1, 0, 1.5, -0.5, 2 ** 31, -(2 ** 31) - 1, 2 ** 53 + 2, 1e308, -1e308, Number.MIN_VALUE, 1e21,
)

function nested(depth: number): unknown {
  let v: unknown = 'deep'
  for (let i = 0; i < depth; i++) v = i % 2 ? [v] : { a: v }
  return v
}

const deep: fc.Arbitrary<unknown> = fc.constantFrom(nested(50), nested(2000))

function typeOf(s: Schema): string {
  if (s.enum) return typeof s.enum[0]
  if (Array.isArray(s.type)) return s.type.find((t) => t !== 'null') ?? 'string'
  if (s.type) return s.type
  if (s.anyOf?.[0]) return typeOf(s.anyOf[0])
  return 'string'
}

/** A value the schema accepts (as far as a JSON Schema says). */
export function goodValue(s: Schema, depth = 0): fc.Arbitrary<Value> {
  if (s.enum?.length) return fc.constantFrom(...s.enum)
  if (s.const !== undefined) return fc.constant(s.const)
  if (s.anyOf?.length) return fc.oneof(...s.anyOf.map((x) => goodValue(x, depth)))
  switch (typeOf(s)) {
    case 'integer':
      return fc.integer({ min: s.minimum ?? 0, max: Math.min(s.maximum ?? 1000, (s.minimum ?? 0) + 1000) })
    case 'number':
      return fc.double({ min: s.minimum ?? -90, max: s.maximum ?? 90, noNaN: true })
    case 'boolean':
      return fc.boolean()
    case 'array':
      return depth > 2 ? fc.constant([]) : fc.array(goodValue(s.items ?? {}, depth + 1), { minLength: s.minItems ?? 0, maxLength: Math.max(s.minItems ?? 0, 3) })
    case 'object':
      return depth > 2 ? fc.constant({}) : fc.record(Object.fromEntries(Object.entries(s.properties ?? {}).map(([k, p]) => [k, goodValue(p, depth + 1)])))
    default:
      if (s.format === 'date-time') return fc.date({ min: new Date('2020-01-01'), max: new Date('2030-01-01'), noInvalidDate: true }).map((d) => d.toISOString())
      if (s.format === 'email') return fc.constantFrom('fuzz@example.com', 'a.b@example.org')
      return fc.string({ minLength: Math.max(1, s.minLength ?? 1), maxLength: Math.min(s.maxLength ?? 20, 20) })
  }
}

/** A value the schema should refuse, or a nasty one for free-text fields. */
export function badValue(s: Schema): fc.Arbitrary<Value> {
  const t = typeOf(s)
  const outOfRange: fc.Arbitrary<Value>[] = []
  if (s.minimum !== undefined) outOfRange.push(fc.constant(s.minimum - 1))
  if (s.maximum !== undefined) outOfRange.push(fc.constant(s.maximum + 1))
  if (s.maxLength !== undefined) outOfRange.push(fc.constant('x'.repeat(s.maxLength + 1)))
  if (s.maxItems !== undefined) outOfRange.push(fc.constant(Array.from({ length: s.maxItems + 1 }, () => 'x')))
  return fc.oneof(
    { weight: 3, arbitrary: fc.constant(MISSING) },
    { weight: 2, arbitrary: fc.constant(null) },
    { weight: 6, arbitrary: nastyStrings },
    { weight: 3, arbitrary: nastyNumbers },
    { weight: 1, arbitrary: fc.boolean() },
    { weight: 2, arbitrary: goodValue(s).map((v) => [v]) },
    { weight: 1, arbitrary: fc.constant({}) },
    { weight: 1, arbitrary: nastyStrings.map((x) => [x, x]) },
    { weight: 1, arbitrary: t === 'array' ? nastyStrings.map((x) => [x]) : fc.constant([1, 'two', null]) },
    { weight: 1, arbitrary: deep },
    ...outOfRange.map((arbitrary) => ({ weight: 2, arbitrary })),
  )
}

/** Mostly good values with a bad one now and then, per field. */
export function fieldValue(s: Schema): fc.Arbitrary<Value> {
  return fc.oneof({ weight: 2, arbitrary: goodValue(s) }, { weight: 3, arbitrary: badValue(s) })
}

/** A query/path string: plausible or nasty (sent percent-encoded, byte for byte). */
export function textValue(s: Schema): fc.Arbitrary<string> {
  return fc.oneof(
    { weight: 2, arbitrary: goodValue(s).map((v) => (typeof v === 'string' ? v : JSON.stringify(v) ?? '')) },
    { weight: 4, arbitrary: nastyStrings },
    { weight: 2, arbitrary: nastyNumbers.map(String) },
  )
}

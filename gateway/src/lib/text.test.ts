import { describe, expect, it } from 'vitest'
import { ApiError } from '../errors/api-error.js'
import { assertJsonText, assertNoNul, assertUrlText, decodeJsonText, decodeTextBody, fieldContaining } from './text.js'

function errorOf(fn: () => unknown): string | null {
  try {
    fn()
    return null
  } catch (err) {
    expect(err).toBeInstanceOf(ApiError)
    expect((err as ApiError).status).toBe(400)
    return (err as ApiError).message
  }
}

describe('fieldContaining', () => {
  it('names top-level, nested, array and odd keys', () => {
    expect(fieldContaining({ a: 'x', name: 'b\u0000' }, '\u0000')).toBe('name')
    expect(fieldContaining({ items: [{ ok: 1 }, { label: '\u0000' }] }, '\u0000')).toBe('items[1].label')
    expect(fieldContaining({ 'odd key': '\u0000' }, '\u0000')).toBe('["odd key"]')
    expect(fieldContaining({ ['k\u0000']: 1 }, '\u0000')).toBe('["k\\0"]')
    expect(fieldContaining({ a: 1, b: [true, null] }, '\u0000')).toBeNull()
  })

  it('walks any depth JSON.parse accepts (100,000 levels) without recursion', () => {
    const depth = 100_000
    const arrays = JSON.parse(`${'['.repeat(depth)}"\\u0000"${']'.repeat(depth)}`) as unknown
    expect(fieldContaining(arrays, '\u0000')).toBe('[0]'.repeat(depth))
    const objects = JSON.parse(`${'{"a":'.repeat(depth)}"x\\u0000"${'}'.repeat(depth)}`) as unknown
    expect(fieldContaining(objects, '\u0000')).toBe(`a${'.a'.repeat(depth - 1)}`)
    const clean = JSON.parse(`${'{"a":['.repeat(depth)}1${']}'.repeat(depth)}`) as unknown
    expect(fieldContaining(clean, '\u0000')).toBeNull()
    const raw = `{"text":${'['.repeat(depth)}"\\u0000"${']'.repeat(depth)}}`
    expect(errorOf(() => assertNoNul(JSON.parse(raw), raw))).toBe(`text${'[0]'.repeat(depth)} must not contain NUL characters`)
  })

  it('finds the same field as a depth-first recursive walk would, on random bodies', () => {
    // The walk before it was made iterative, kept here as the reference for its order and naming.
    const recursive = (value: unknown, path = ''): string | null => {
      if (typeof value === 'string') return value.includes('\u0000') ? path || 'Request body' : null
      if (value === null || typeof value !== 'object') return null
      const name = (k: string | number) => {
        const p = fieldContaining({ [String(k)]: '\u0000' }, '\u0000', path)
        return typeof k === 'number' ? `${path}[${k}]` : p!
      }
      if (Array.isArray(value)) {
        for (let i = 0; i < value.length; i++) {
          const f = recursive(value[i], name(i))
          if (f) return f
        }
        return null
      }
      for (const k in value as Record<string, unknown>) {
        if (k.includes('\u0000')) return name(k)
        const f = recursive((value as Record<string, unknown>)[k], name(k))
        if (f) return f
      }
      return null
    }
    let seed = 7
    const rnd = (n: number) => (seed = (seed * 1103515245 + 12345) % 2 ** 31) % n
    const keys = ['a', 'b c', '', 'k\u0000', '0', 'x_1']
    const gen = (d: number): unknown => {
      const t = rnd(d > 4 ? 3 : 6)
      if (t === 0) return rnd(8) === 0 ? 'v\u0000' : 'v'
      if (t === 1) return rnd(2) ? null : 3
      if (t === 2) return true
      if (t === 3) return Array.from({ length: rnd(4) }, () => gen(d + 1))
      return Object.fromEntries(Array.from({ length: rnd(4) }, () => [keys[rnd(keys.length)]!, gen(d + 1)]))
    }
    for (let i = 0; i < 500; i++) {
      const v = gen(0)
      expect(fieldContaining(v, '\u0000')).toBe(recursive(v))
    }
  })
})

describe('JSON body text', () => {
  it('NUL (only ever written as the \\u0000 escape) is refused naming the field', () => {
    const raw = JSON.stringify({ name: 'a\u0000b', content: 'ok' })
    expect(errorOf(() => assertNoNul(JSON.parse(raw), raw))).toBe('name must not contain NUL characters')
    // an escaped backslash followed by u0000 is not a NUL
    const literal = JSON.stringify({ name: '\\u0000' })
    expect(errorOf(() => assertNoNul(JSON.parse(literal), literal))).toBeNull()
  })

  it('invalid UTF-8 names the field it falls in; a body that is not JSON is left to the JSON error', () => {
    const raw = Buffer.concat([Buffer.from('{"name":"ok","content":"a'), Buffer.from([0xc3, 0x28]), Buffer.from('"}')])
    expect(errorOf(() => decodeJsonText(raw))).toBe('content is not valid UTF-8')
    expect(errorOf(() => decodeJsonText(Buffer.from([0xff, 0xfe, 0x7b])))).toBeNull()
    expect(decodeJsonText(Buffer.from('{"name":"ñandú"}'))).toBe('{"name":"ñandú"}')
  })

  it('assertJsonText applies both rules to bytes parsed elsewhere', () => {
    const bad = Buffer.concat([Buffer.from('{"number":"5959","text":"'), Buffer.from([0xed, 0xa0, 0x80]), Buffer.from('"}')])
    expect(errorOf(() => assertJsonText(bad, JSON.parse(bad.toString('utf8'))))).toBe('text is not valid UTF-8')
    const nul = Buffer.from(JSON.stringify({ text: '\u0000' }))
    expect(errorOf(() => assertJsonText(nul, JSON.parse(nul.toString())))).toBe('text must not contain NUL characters')
  })
})

describe('plain-text bodies', () => {
  it('refuses invalid UTF-8 and NUL naming the field, drops a BOM', () => {
    expect(errorOf(() => decodeTextBody(Buffer.from([0x61, 0xff]), 'csv'))).toBe('csv is not valid UTF-8')
    expect(errorOf(() => decodeTextBody(Buffer.from('a\u0000b'), 'csv'))).toBe('csv must not contain NUL characters')
    expect(decodeTextBody(Buffer.from('\uFEFFphone_number\n'), 'csv')).toBe('phone_number\n')
  })
})

describe('request target text', () => {
  it.each([
    ['/admin/%zz', 'Invalid path'],
    ['/api/templates/%ff', 'Invalid path'],
    ['/a/%00/b', 'Invalid path'],
    ['/api/messages?q=%00', 'q must not contain NUL characters'],
    ['/api/messages?q=%zz', 'q has invalid percent-encoding'],
    ['/api/messages?%zz=1', 'query string has invalid percent-encoding'],
    ['/api/messages?page=1&search=a%c3', 'search has invalid percent-encoding'],
  ])('%s -> 400 %s', (target, msg) => {
    expect(errorOf(() => assertUrlText(target))).toBe(msg)
  })

  it('accepts well-formed targets', () => {
    for (const t of ['/health', '/api/messages?q=%C3%B1and%C3%BA&x', '/chat/x/inst%40name?a=b+c', '/p?=', '/p?a=%25']) {
      expect(errorOf(() => assertUrlText(t))).toBeNull()
    }
  })
})

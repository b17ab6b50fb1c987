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

/** @module services/upstream-proxy tests: which request bodies go upstream, and in what form. */
import { describe, expect, it } from 'vitest'
import { bodyToSend } from './upstream-proxy.js'

const stream = (text: string) => new Blob([text]).stream()

describe('bodyToSend', () => {
  it('a request that declared no body sends none, though the adapter hands out an empty stream', async () => {
    expect(await bodyToSend(stream(''), {}, 'DELETE')).toBeNull()
    expect(await bodyToSend(stream(''), { 'content-length': '0' }, 'POST')).toBeNull()
    expect(await bodyToSend(null, {}, 'DELETE')).toBeNull()
  })
  it('DELETE and OPTIONS bodies are buffered (http-proxy-3 forces Content-Length on them)', async () => {
    expect(await bodyToSend(stream('{"a":1}'), { 'content-length': '7' }, 'DELETE')).toEqual(Buffer.from('{"a":1}'))
    expect(await bodyToSend(stream('{}'), { 'transfer-encoding': 'chunked' }, 'OPTIONS')).toEqual(Buffer.from('{}'))
  })
  it('other bodies keep streaming; buffers are left as they are', async () => {
    const s = stream('{}')
    expect(await bodyToSend(s, { 'transfer-encoding': 'chunked' }, 'POST')).toBe(s)
    const b = Buffer.from('x')
    expect(await bodyToSend(b, {}, 'DELETE')).toBe(b)
  })
})

import { describe, expect, it } from 'vitest'
import { clientErrorResponse } from './client-error.js'

describe('clientErrorResponse', () => {
  it('header overflow is a 431 JSON {error} with X-Request-ID, then close', () => {
    const raw = clientErrorResponse('HPE_HEADER_OVERFLOW', false, 'rid-1')
    const [head, body] = raw.split('\r\n\r\n')
    expect(head).toMatch(/^HTTP\/1\.1 431 /)
    expect(head).toContain('x-request-id: rid-1')
    expect(head).toContain('connection: close')
    expect(head).toContain(`content-length: ${Buffer.byteLength(body ?? '')}`)
    expect(JSON.parse(body ?? '')).toEqual({ error: 'Request header fields too large' })
  })

  it('anything else (an unknown method) is a 400; a HEAD request gets the headers only', () => {
    expect(clientErrorResponse('HPE_INVALID_METHOD')).toMatch(/^HTTP\/1\.1 400 [\s\S]*\{"error":"Bad request"\}$/)
    expect(clientErrorResponse('HPE_HEADER_OVERFLOW', true).endsWith('\r\n\r\n')).toBe(true)
  })
})

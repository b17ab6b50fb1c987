/** @module services/upstream-proxy/upstream-errors tests: which upstream answers are breaker failures, and 5xx sanitising. */
import { Readable } from 'node:stream'
import { describe, expect, it } from 'vitest'
import { countsAsUpstreamFailure, sanitizedServerBody, sanitizeServerError } from './upstream-errors.js'

const json = (o: unknown) => Buffer.from(JSON.stringify(o))
const evo = (status: number, message: unknown) => json({ status, error: 'x', response: { message } })
/** The (always buffered) body of a sanitised answer, as text. */
const text = (a: { body: Buffer | Readable }): string => {
  if (!Buffer.isBuffer(a.body)) throw new Error('not buffered')
  return a.body.toString()
}
const counts = (status: number, body: Buffer | Readable) => countsAsUpstreamFailure({ status, body })

describe('countsAsUpstreamFailure', () => {
  it('never counts answers below 500', () => {
    expect(counts(404, json({}))).toBe(false)
    expect(counts(400, Buffer.from('<html>'))).toBe(false)
  })
  it('does not count a well-formed Evolution 5xx about one request or one instance', () => {
    expect(counts(500, evo(500, ['Connection Closed']))).toBe(false)
    expect(counts(500, evo(500, ['Error while deleting message for everyone']))).toBe(false)
    expect(counts(500, evo(500, 'connect ECONNREFUSED 127.0.0.1:5432'))).toBe(false)
    expect(counts(501, evo(501, [{ any: 'shape' }]))).toBe(false)
  })
  it('counts 502/503/504 (Evolution-shaped or not) and 5xx that are not Evolution answers', () => {
    expect(counts(502, json({}))).toBe(true)
    expect(counts(503, evo(503, ['Sandbox fault: forced status 503']))).toBe(true)
    expect(counts(504, Buffer.from('<html>Gateway Timeout</html>'))).toBe(true)
    expect(counts(500, Buffer.from('Internal Server Error'))).toBe(true)
    expect(counts(500, Buffer.alloc(0))).toBe(true)
    expect(counts(500, json({ error: 'Internal Server Error' }))).toBe(true)
    expect(counts(500, evo(502, ['status differs from the HTTP one']))).toBe(true)
    expect(counts(500, Readable.from([]))).toBe(true)
  })
  it("does not count the upstream's own 'Database unavailable' 503 (the database's outage)", () => {
    expect(counts(503, json({ status: 503, error: 'Service Unavailable', response: { message: ['Database unavailable'] } }))).toBe(false)
  })
})

describe('sanitizeServerError', () => {
  const headers = { 'content-type': 'text/html', 'content-encoding': 'gzip', 'retry-after': '3', 'x-other': 'y' }
  it('replaces a 5xx body with the Evolution envelope and the request id, keeping status and other headers', () => {
    const { answer, original } = sanitizeServerError({ status: 500, headers, body: evo(500, ['connect ECONNREFUSED 127.0.0.1:1234']) }, 'req-9')
    expect(answer.status).toBe(500)
    expect(JSON.parse(text(answer))).toEqual({
      status: 500,
      error: 'Internal Server Error',
      response: { message: ['Upstream error (request req-9)'] },
    })
    expect(answer.headers).toEqual({ 'content-type': 'application/json; charset=utf-8', 'retry-after': '3', 'x-other': 'y' })
    expect(original).toContain('ECONNREFUSED')
  })
  it('replaces non-JSON and streamed 5xx bodies too', () => {
    const html = sanitizeServerError({ status: 502, headers: {}, body: Buffer.from('<pre>Error: at Socket 10.0.0.7:8080</pre>') }, 'r1')
    expect(text(html.answer)).not.toContain('10.0.0.7')
    const stream = sanitizeServerError({ status: 503, headers: {}, body: Readable.from([Buffer.from('x')]) }, 'r2')
    expect(JSON.parse(text(stream.answer)).response.message).toEqual(['Upstream error (request r2)'])
  })
  it('keeps the fixed texts clients act on, and only those', () => {
    const closed = sanitizeServerError({ status: 500, headers: {}, body: evo(500, ['Connection Closed']) }, 'r')
    expect(JSON.parse(text(closed.answer)).response.message).toEqual(['Connection Closed'])
    const db = sanitizeServerError({ status: 503, headers: {}, body: evo(503, ['Database unavailable']) }, 'r')
    expect(JSON.parse(text(db.answer))).toEqual({ status: 503, error: 'Service Unavailable', response: { message: ['Database unavailable'] } })
    const mixed = sanitizeServerError({ status: 500, headers: {}, body: evo(500, ['Connection Closed', 'at 10.1.1.1']) }, 'r')
    expect(text(mixed.answer)).not.toContain('10.1.1.1')
  })
  it('sanitizedServerBody: the same envelope for a body the gateway parsed itself', () => {
    expect(sanitizedServerBody(500, { status: 500, error: 'x', response: { message: ['getaddrinfo ENOTFOUND db.internal'] } }, 'r7')).toEqual({
      status: 500,
      error: 'Internal Server Error',
      response: { message: ['Upstream error (request r7)'] },
    })
    expect(sanitizedServerBody(503, 'Service Unavailable', 'r8').response.message).toEqual(['Upstream error (request r8)'])
  })
  it('leaves answers below 500 alone', () => {
    const r = { status: 400, headers: { 'content-type': 'application/json' }, body: evo(400, ['number is required']) }
    expect(sanitizeServerError(r, 'r').answer).toBe(r)
  })
})

describe('an instance between two upstream replicas', () => {
  const moving = Buffer.from(JSON.stringify({ status: 503, error: 'Service Unavailable', response: { message: ['The "shop-1" instance is moving between replicas; retry shortly'] } }))

  it('is not a breaker failure (one instance, not the upstream) and reaches the client as is', () => {
    expect(countsAsUpstreamFailure({ status: 503, body: moving })).toBe(false)
    const { answer } = sanitizeServerError({ status: 503, headers: { 'retry-after': '1' }, body: moving }, 'req-1')
    expect(JSON.parse((answer.body as Buffer).toString()).response.message).toEqual(['The "shop-1" instance is moving between replicas; retry shortly'])
    expect(answer.headers['retry-after']).toBe('1')
  })
})

import { describe, expect, it } from 'vitest'
import { countsAsUpstreamFailure } from './forward.js'

describe('countsAsUpstreamFailure', () => {
  const body = (o: unknown) => Buffer.from(JSON.stringify(o))
  it('counts 5xx, timeouts mapped to 502/504', () => {
    expect(countsAsUpstreamFailure({ status: 500, body: body({ error: 'Internal Server Error' }) })).toBe(true)
    expect(countsAsUpstreamFailure({ status: 502, body: body({}) })).toBe(true)
    expect(countsAsUpstreamFailure({ status: 503, body: body({}) })).toBe(true)
  })
  it('does not count answers below 500', () => {
    expect(countsAsUpstreamFailure({ status: 404, body: body({}) })).toBe(false)
    expect(countsAsUpstreamFailure({ status: 400, body: body({}) })).toBe(false)
  })
  it('does not count a single instance whose session is closed', () => {
    const closed = body({ status: 500, error: 'Internal Server Error', response: { message: ['Connection Closed'] } })
    expect(countsAsUpstreamFailure({ status: 500, body: closed })).toBe(false)
  })
})

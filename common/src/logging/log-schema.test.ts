/** @module common/logging/log-schema tests: both services write the same fields under the same names. */
import { Writable } from 'node:stream'
import { pino } from 'pino'
import { describe, expect, it } from 'vitest'
import { LOG_FIELDS, loggerOptions, withRedaction, type ServiceName } from './log-schema.js'

function lineOf(service: ServiceName): Record<string, unknown> {
  let out = ''
  const sink = new Writable({ write: (chunk, _enc, done) => ((out += String(chunk)), done()) })
  const log = pino(withRedaction(loggerOptions(service, 'info')), sink)
  log.child({ [LOG_FIELDS.requestId]: 'r-1' }).info({ headers: { apikey: 'secret-key' } }, 'hello')
  return JSON.parse(out) as Record<string, unknown>
}

describe('one log schema', () => {
  it('gateway and upstream lines have the same keys', () => {
    const g = lineOf('gateway')
    const u = lineOf('upstream')
    expect(Object.keys(g).sort()).toEqual(Object.keys(u).sort())
    expect(g).toMatchObject({ service: 'gateway', reqId: 'r-1', msg: 'hello' })
    expect(u).toMatchObject({ service: 'upstream', reqId: 'r-1' })
    expect(String(g.time)).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/)
  })
  it('redacts an apikey header that reaches a logger by mistake', () => {
    expect(lineOf('upstream').headers).toEqual({ apikey: '[redacted]' })
  })
})

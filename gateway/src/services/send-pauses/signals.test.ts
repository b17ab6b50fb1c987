/** @module services/send-pauses/signals tests: which upstream events are ban signals or server acks. */
import { describe, expect, it } from 'vitest'
import { isClientNack, reasons, signalFrom } from './signals.js'

const update = (data: Record<string, unknown>) => ({ event: 'messages.update', instance: 'i', data })

describe('signalFrom', () => {
  it('reads a nack code (number or digits) from an ERROR messages.update', () => {
    expect(signalFrom(update({ keyId: 'K1', status: 'ERROR', error: { code: 463, message: 'Your account has been restricted' } }))).toEqual({
      kind: 'nack', keyId: 'K1', code: 463, message: 'Your account has been restricted',
    })
    expect(signalFrom(update({ key: { id: 'K2' }, status: 'error', error: { code: '479' } }))).toEqual({ kind: 'nack', keyId: 'K2', code: 479, message: null })
  })

  it('an ERROR without a code, or another status, is no nack; SERVER_ACK is a server ack', () => {
    expect(signalFrom(update({ keyId: 'K', status: 'ERROR' }))).toBeNull()
    expect(signalFrom(update({ keyId: 'K', status: 'DELIVERY_ACK' }))).toBeNull()
    expect(signalFrom(update({ keyId: 'K', status: 'SERVER_ACK' }))).toEqual({ kind: 'server_ack', keyId: 'K' })
    expect(signalFrom({ event: 'MESSAGES_UPDATE', data: { keyId: 'K', status: 'SERVER_ACK' } })).toEqual({ kind: 'server_ack', keyId: 'K' })
  })

  it('a close with 401 or 403 is a signal; a lost connection is not', () => {
    expect(signalFrom({ event: 'connection.update', data: { state: 'close', statusReason: 401 } })).toEqual({ kind: 'closed', statusReason: 401 })
    expect(signalFrom({ event: 'connection.update', data: { state: 'close', statusReason: 403 } })).toEqual({ kind: 'closed', statusReason: 403 })
    expect(signalFrom({ event: 'connection.update', data: { state: 'close', statusReason: 428 } })).toBeNull()
    expect(signalFrom({ event: 'connection.update', data: { state: 'open', statusReason: 200 } })).toBeNull()
  })

  it('4xx codes count towards a burst; reasons are words', () => {
    expect([400, 463, 499].every(isClientNack)).toBe(true)
    expect([399, 500, 131_026].some(isClientNack)).toBe(false)
    expect(reasons.timelock(null)).toMatch(/error 463.*reach-out timelock/)
    expect(reasons.burst(5, 600, 403, 'x')).toMatch(/refused 5 messages in 10 min \(last: error 403 \(x\)\)/)
    expect(reasons.closed(401)).toMatch(/logged the instance out/)
  })
})

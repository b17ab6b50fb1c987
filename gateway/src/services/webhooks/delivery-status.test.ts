/** @module services/webhooks/delivery-status tests: which upstream events carry a status change. */
import { describe, expect, it } from 'vitest'
import { signBody } from './forwarder.js'
import { failureReason, statusUpdateFrom } from './delivery-status.js'

describe('statusUpdateFrom', () => {
  it.each([
    [{ event: 'messages.update', data: { keyId: 'K1', status: 'DELIVERY_ACK' } }, { waMessageId: 'K1', status: 'delivered' }],
    [{ event: 'messages.update', data: { keyId: 'K1', status: 'READ' } }, { waMessageId: 'K1', status: 'read' }],
    [{ event: 'messages.update', data: { keyId: 'K1', status: 'PLAYED' } }, { waMessageId: 'K1', status: 'read' }],
    [{ event: 'messages.update', data: { keyId: 'K1', status: 'ERROR' } }, { waMessageId: 'K1', status: 'failed' }],
    [{ event: 'MESSAGES_UPDATE', data: { key: { id: 'K2' }, status: 'SERVER_ACK' } }, { waMessageId: 'K2', status: 'sent' }],
    [{ event: 'send.message', data: { key: { id: 'K3' }, status: 'PENDING' } }, { waMessageId: 'K3', status: 'sent' }],
  ])('%j', (env, out) => {
    expect(statusUpdateFrom(env)).toEqual(out)
  })
  it.each([
    { event: 'messages.upsert', data: { key: { id: 'K' }, status: 'READ' } },
    { event: 'messages.update', data: { keyId: 'K', status: 'DELETED' } },
    { event: 'messages.update', data: { status: 'READ' } },
    { event: 'messages.update', data: null },
    { data: { keyId: 'K', status: 'READ' } },
  ])('ignores %j', (env) => {
    expect(statusUpdateFrom(env as Record<string, unknown>)).toBeNull()
  })
})

describe('failure reasons', () => {
  it('a failed status keeps the Cloud API error as "error <code>: <message>"', () => {
    expect(statusUpdateFrom({ event: 'messages.update', data: { keyId: 'K', status: 'ERROR', error: { code: 131026, message: 'Message undeliverable' } } }))
      .toEqual({ waMessageId: 'K', status: 'failed', error: 'error 131026: Message undeliverable' })
  })
  it('only on failed statuses', () => {
    expect(statusUpdateFrom({ event: 'messages.update', data: { keyId: 'K', status: 'READ', error: { code: 1, message: 'x' } } }))
      .toEqual({ waMessageId: 'K', status: 'read' })
  })
  it.each([
    [{ code: 131047 }, 'error 131047'],
    [{ message: ' Re-engagement message ' }, 'Re-engagement message'],
    [{ code: 1, message: 'a\u0000b' }, 'error 1: ab'],
    [{}, null],
    ['text', null],
    [null, null],
  ])('%j -> %j', (err, text) => {
    expect(failureReason(err)).toBe(text)
  })
})

describe('signBody', () => {
  it('is the GitHub-style sha256= HMAC of the exact bytes', () => {
    expect(signBody('secret', '{"a":1}')).toBe('sha256=aa9e2e3575f5d7098b6caccd790888c36d5fdb63342a73bada2d6a51747a8494')
    expect(signBody('secret', '{"a":1}')).toMatch(/^sha256=[0-9a-f]{64}$/)
    expect(signBody('secret', '{"a":1}')).not.toBe(signBody('secret', '{"a": 1}'))
  })
})

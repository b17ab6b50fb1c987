/** What the panel shows for an upstream error answer (gateway/panel/src/api/error-text.ts). */
import { describe, expect, it } from 'vitest'
import { messageText, upstreamErrorMessage } from './error-text.js'

describe('upstreamErrorMessage', () => {
  it('reads response.message, not the reason phrase', () => {
    expect(upstreamErrorMessage({ status: 400, error: 'Bad Request', response: { message: ['Message not found'] } })).toBe('Message not found')
    expect(upstreamErrorMessage({ status: 500, error: 'Internal Server Error', response: { message: 'Connection Closed' } })).toBe('Connection Closed')
    expect(upstreamErrorMessage({ status: 500, error: 'Internal Server Error', response: { message: ['Read messages fail', 'Error: boom'] } })).toBe('Read messages fail; Error: boom')
  })
  it('flattens schema failures and group objects', () => {
    expect(upstreamErrorMessage({ status: 400, error: 'Bad Request', response: { message: [['instance requires property "number"']] } })).toBe('instance requires property "number"')
    expect(upstreamErrorMessage({ status: 400, error: 'Bad Request', response: { message: [{ property: 'instance', message: 'instance requires property "subject"' }] } }))
      .toBe('instance requires property "subject"')
  })
  it('says which number is not on WhatsApp', () => {
    const body = { status: 400, error: 'Bad Request', response: { message: [{ jid: '595981000000@s.whatsapp.net', exists: false, number: '595981000000' }] } }
    expect(upstreamErrorMessage(body)).toBe('595981000000 is not on WhatsApp')
  })
  it('whatsappNumbers puts message at the top level', () => {
    expect(upstreamErrorMessage({ status: 400, error: 'Bad Request', message: ['Method not available on WhatsApp Business API'] })).toBe('Method not available on WhatsApp Business API')
  })
  it('leaves the gateway\'s own errors to the caller', () => {
    expect(upstreamErrorMessage({ error: 'You do not own this instance' })).toBeNull()
    expect(upstreamErrorMessage({ status: 400, error: 'Bad Request', response: { message: [] } })).toBeNull()
    expect(upstreamErrorMessage('text')).toBeNull()
    expect(messageText({ other: 1 })).toBe('{"other":1}')
  })
})

import { describe, expect, it } from 'vitest'
import { apiErrorSentence, displayNumber, errorSentence, instanceOf, isSendPath, resultLineSentence } from './errors.js'

const evo = (status: number, error: string, message: unknown) => ({ status, error, response: { message } })
const NOT_ON = [{ jid: '595981230000@s.whatsapp.net', exists: false, number: '595981230000' }]

describe('apiErrorSentence: upstream (Evolution) answers', () => {
  it('names the number that is not on WhatsApp, never "Bad Request"', () => {
    const s = apiErrorSentence({ status: 400, body: evo(400, 'Bad Request', NOT_ON), path: '/message/sendText/support' })
    expect(s).toBe('+595981230000 is not on WhatsApp: check the number and its country code')
    const two = [...NOT_ON, { jid: '595981110000@s.whatsapp.net', exists: false }]
    expect(apiErrorSentence({ status: 400, body: evo(400, 'Bad Request', two) })).toMatch(/^\+595981230000 and \+595981110000 are not on WhatsApp/)
  })
  it('a closed connection says which instance to connect', () => {
    expect(apiErrorSentence({ status: 500, body: evo(500, 'Internal Server Error', ['Connection Closed']), path: '/message/sendText/support' })).toBe(
      'Connect support first: it is not connected to WhatsApp',
    )
    expect(apiErrorSentence({ status: 500, body: evo(500, 'Internal Server Error', 'Error: Connection Closed'), path: '/message/sendMedia/sales%20team' })).toBe(
      'Connect sales team first: it is not connected to WhatsApp',
    )
  })
  it('a sanitised 5xx keeps the request id for the operator', () => {
    const s = apiErrorSentence({ status: 500, body: evo(500, 'Internal Server Error', ['Upstream error (request abc-123)']) })
    expect(s).toBe('WhatsApp could not do this right now: try again; if it keeps failing, give your operator the request id abc-123')
  })
  it('the upstream database outage says to wait', () => {
    expect(apiErrorSentence({ status: 503, body: evo(503, 'Service Unavailable', ['Database unavailable']), retryAfter: 3 })).toBe(
      "The service's database is unavailable: wait 3 seconds and try again",
    )
  })
  it('schema failures and group objects read as their words', () => {
    expect(apiErrorSentence({ status: 400, body: evo(400, 'Bad Request', [['instance requires property "number"']]) })).toBe('instance requires property "number"')
    expect(apiErrorSentence({ status: 400, body: evo(400, 'Bad Request', [{ property: 'instance', message: 'instance requires property "subject"' }]) })).toBe(
      'instance requires property "subject"',
    )
    expect(apiErrorSentence({ status: 404, body: evo(404, 'Not Found', ['The "x" instance does not exist']) })).toBe('The "x" instance does not exist')
  })
  it('whatsappNumbers puts message at the top level', () => {
    expect(apiErrorSentence({ status: 400, body: { status: 400, error: 'Bad Request', message: ['Method not available on WhatsApp Business API'] } })).toBe(
      'Method not available on WhatsApp Business API',
    )
  })
  it('an empty message falls back to the status, never to the reason phrase', () => {
    expect(apiErrorSentence({ status: 500, body: evo(500, 'Internal Server Error', []) })).toBe(
      'Something went wrong on the server: try again; if it keeps failing, tell your operator',
    )
  })
})

describe('apiErrorSentence: gateway answers', () => {
  it('rate limits say how long to wait; sends say "messages"', () => {
    expect(apiErrorSentence({ status: 429, body: { error: 'Rate limit exceeded', limit: 60, window: '60s' }, retryAfter: 12, path: '/message/sendText/support' })).toBe(
      'Too many messages: wait 12 seconds before sending again',
    )
    expect(apiErrorSentence({ status: 429, body: { error: 'Too many requests' }, retryAfter: 1, path: '/api/templates' })).toBe('Too many requests: wait 1 second and try again')
    expect(apiErrorSentence({ status: 429, body: { error: 'Rate limit exceeded' }, retryAfter: 300 })).toBe('Too many requests: wait 5 minutes and try again')
    expect(apiErrorSentence({ status: 429, body: {} })).toBe('Too many requests: wait a moment and try again')
  })
  it('the breaker, the database and the timeout', () => {
    expect(apiErrorSentence({ status: 503, body: { error: 'Service temporarily unavailable, please retry later' }, retryAfter: 30 })).toBe(
      'WhatsApp is temporarily unavailable after repeated failures: wait 30 seconds and try again',
    )
    expect(apiErrorSentence({ status: 503, body: { error: 'Database unavailable' }, retryAfter: 2 })).toBe("The service's database is unavailable: wait 2 seconds and try again")
    expect(apiErrorSentence({ status: 504, body: { error: 'WhatsApp API timeout' }, path: '/message/sendText/support' })).toBe(
      'WhatsApp did not answer in time; the message may still arrive — check History before resending',
    )
    expect(apiErrorSentence({ status: 504, body: { error: 'WhatsApp API timeout' }, path: '/chat/findChats/support' })).toBe('WhatsApp did not answer in time: try again')
    expect(apiErrorSentence({ status: 502, body: { error: 'WhatsApp API unavailable' } })).toMatch(/^WhatsApp cannot be reached right now/)
    expect(apiErrorSentence({ status: 503, body: { error: 'Message log buffer full' }, retryAfter: 5, path: '/message/sendText/x' })).toBe(
      'The gateway is busy saving earlier messages: wait 5 seconds and send again',
    )
  })
  it('ownership, limits and size', () => {
    expect(apiErrorSentence({ status: 403, body: { error: 'You do not own this instance' }, path: '/api/scheduled', requestBody: { instance_name: 'support' } })).toBe(
      'You do not own this instance (support): ask its owner to share it with you',
    )
    expect(apiErrorSentence({ status: 403, body: { error: 'Instance limit reached', current: 2, max: 2 } })).toBe(
      'Instance limit reached (2 of 2): delete an instance or ask an admin to raise your limit',
    )
    expect(apiErrorSentence({ status: 413, body: { error: 'Request body too large' } })).toBe('Too large: send a smaller file or a shorter message')
    expect(apiErrorSentence({ status: 500, body: { error: 'Internal server error' } })).toMatch(/^Something went wrong on the server/)
  })
  it('sentences the gateway already words stay as they are', () => {
    expect(apiErrorSentence({ status: 409, body: { error: 'Instance name already in use' } })).toBe('Instance name already in use')
    expect(apiErrorSentence({ status: 401, body: { error: 'Invalid username or password' } })).toBe('Invalid username or password')
  })
  it('no answer, or no body', () => {
    expect(apiErrorSentence({ status: 0, body: null })).toBe('The gateway did not answer: check your connection and try again')
    expect(apiErrorSentence({ status: 502, body: {}, retryAfter: null })).toBe('The service is temporarily unavailable: wait a moment and try again')
    expect(apiErrorSentence({ status: 418, body: 'teapot' })).toBe('The request was refused (HTTP 418)')
  })
})

describe('errorSentence: the message log and scheduled results', () => {
  it('reads the raw JSON History used to show', () => {
    expect(errorSentence(JSON.stringify(NOT_ON))).toBe('+595981230000 is not on WhatsApp: check the number and its country code')
    expect(errorSentence('["Connection Closed"]', { instance: 'support' })).toBe('Connect support first: it is not connected to WhatsApp')
    expect(errorSentence('Connection Closed')).toBe('The instance is not connected to WhatsApp: connect it first (Instances)')
    expect(errorSentence('WhatsApp API timeout')).toBe('WhatsApp did not answer in time; the message may still arrive — check History before resending')
  })
  it("reads the scheduled worker's lines", () => {
    expect(errorSentence(`status 400: ${JSON.stringify(NOT_ON)}`)).toBe('+595981230000 is not on WhatsApp: check the number and its country code')
    expect(errorSentence('status 500: Connection Closed (after 3 attempts)', { instance: 'support' })).toBe(
      'Connect support first: it is not connected to WhatsApp (after 3 attempts)',
    )
    expect(errorSentence('status 500')).toMatch(/^Something went wrong on the server/)
    expect(errorSentence('socket hang up (not retried: it may have been sent)')).toBe('socket hang up — it may have been sent: check before resending')
  })
  it('keeps words it does not know, and nothing for nothing', () => {
    expect(errorSentence('invalid media content JSON')).toBe('invalid media content JSON')
    expect(errorSentence('[not json')).toBe('[not json')
    expect(errorSentence(null)).toBe('')
    expect(errorSentence('  ')).toBe('')
  })
})

describe('resultLineSentence: a bulk job\'s failed numbers', () => {
  it('names the number once and words its error', () => {
    expect(resultLineSentence(`595981230000: status 400: ${JSON.stringify(NOT_ON)}`)).toBe('+595981230000 is not on WhatsApp: check the number and its country code')
    expect(resultLineSentence('595981000001: status 500: Connection Closed', { instance: 'support' })).toBe('+595981000001: Connect support first: it is not connected to WhatsApp')
    expect(resultLineSentence('595981000001: unconfirmed')).toBe('+595981000001: unconfirmed')
    expect(resultLineSentence('Invalid recipients JSON')).toBe('Invalid recipients JSON')
  })
})

describe('helpers', () => {
  it('finds the instance of a request', () => {
    expect(instanceOf('/message/sendText/support')).toBe('support')
    expect(instanceOf('/instance/connectionState/a%20b?x=1')).toBe('a b')
    expect(instanceOf('/api/templates')).toBeNull()
    expect(instanceOf('/api/scheduled', { instance_name: 'sales' })).toBe('sales')
  })
  it('knows the send paths', () => {
    expect(isSendPath('/message/sendText/x')).toBe(true)
    expect(isSendPath('/api/scheduled')).toBe(true)
    expect(isSendPath('/chat/findChats/x')).toBe(false)
  })
  it('writes numbers with + and digits', () => {
    expect(displayNumber('595981000000@s.whatsapp.net')).toBe('+595981000000')
    expect(displayNumber('595981000000:12@s.whatsapp.net')).toBe('+595981000000')
    expect(displayNumber('abc')).toBe('abc')
  })
})

/** @module routes/proxy/side-channels tests: the user create body allow-list and the admin address check. */
import { describe, expect, it } from 'vitest'
import { ApiError } from '../../errors/api-error.js'
import { carriesValue, checkTargets, createTargets, proxyHostUrl, routeTargets, targetRoute, userCreateBody } from './side-channels.js'

const refusal = (fn: () => unknown): string => {
  try {
    fn()
  } catch (err) {
    expect(err).toBeInstanceOf(ApiError)
    expect((err as ApiError).status).toBe(400)
    return (err as ApiError).message
  }
  throw new Error('expected a 400')
}

const asyncRefusal = async (p: Promise<unknown>): Promise<string> => {
  const err = await p.then(() => null, (e: unknown) => e)
  expect(err).toBeInstanceOf(ApiError)
  expect((err as ApiError).status).toBe(400)
  return (err as ApiError).message
}

describe('userCreateBody', () => {
  const plain = {
    instanceName: 'shop', token: 'T', number: '595981000001', qrcode: true, integration: 'WHATSAPP-BAILEYS', businessId: '1',
    rejectCall: true, msgCall: 'busy', groupsIgnore: false, alwaysOnline: true, readMessages: false, readStatus: true, syncFullHistory: false, wavoipToken: '',
  }

  it('keeps every plain instance field as sent', () => {
    expect(userCreateBody({ ...plain })).toEqual(plain)
  })

  it('refuses a side-channel field that carries a value, naming it', () => {
    const cases: Array<[string, unknown]> = [
      ['webhook', { enabled: true, url: 'http://127.0.0.1:47811/in', headers: { 'X-Injected': 'yes' }, events: [] }],
      ['webhook', { url: 'https://example.com/h' }],
      ['webhookUrl', 'https://example.com/h'],
      ['webhook_by_events', true],
      ['webhookByEvents', true],
      ['webhookBase64', true],
      ['webhookEvents', ['MESSAGES_UPSERT']],
      ['events', ['MESSAGES_UPSERT']],
      ['rabbitmq', { enabled: true }],
      ['sqs', { enabled: true, events: ['MESSAGES_UPSERT'] }],
      ['websocket', { enabled: true }],
      ['nats', { enabled: true }],
      ['pusher', { enabled: true, appId: 'a' }],
      ['kafka', { enabled: true }],
      ['proxyHost', 'x'],
      ['proxyPort', 3128],
      ['proxyProtocol', 'http'],
      ['proxyUsername', 'u'],
      ['proxyPassword', 'p'],
      ['proxy', { host: '10.0.0.1' }],
      ['chatwootUrl', 'http://10.0.0.1'],
      ['chatwootAccountId', '1'],
      ['chatwootToken', 't'],
      ['chatwootSignMsg', true],
      ['typebotUrl', 'http://x'],
      ['openaiCreds', { apiKey: 'k' }],
    ]
    for (const [field, value] of cases) {
      expect(refusal(() => userCreateBody({ instanceName: 'x1', [field]: value }))).toBe(
        `${field} may only be set by an admin; users set webhooks through /api/webhooks`,
      )
    }
  })

  it('drops empty side-channel fields (Evolution clients send such defaults) and unknown fields', () => {
    const body = {
      instanceName: 'x1',
      integration: 'WHATSAPP-BAILEYS',
      webhook: {},
      webhookUrl: '',
      webhook_by_events: false,
      webhookEvents: [],
      events: null,
      rabbitmq: { enabled: false },
      sqs: { enabled: false, events: ['MESSAGES_UPSERT'] },
      websocket: { enabled: false },
      proxyHost: '',
      proxyPort: '',
      proxyPassword: null,
      chatwootUrl: '  ',
      chatwootSignMsg: false,
      instanceId: 'abc',
      status: 'open',
      somethingElse: { url: 'http://127.0.0.1/' },
    }
    expect(userCreateBody(body)).toEqual({ instanceName: 'x1', integration: 'WHATSAPP-BAILEYS' })
  })

  it('an object switched off is empty whatever else it holds', () => {
    expect(userCreateBody({ instanceName: 'x1', webhook: { enabled: false } })).toEqual({ instanceName: 'x1' })
    expect(userCreateBody({ instanceName: 'x1', webhook: { enabled: false, url: 'http://127.0.0.1/' } })).toEqual({ instanceName: 'x1' })
  })

  it('names the first offending field in body order', () => {
    expect(refusal(() => userCreateBody({ instanceName: 'x', proxyHost: 'p', webhook: { enabled: true, url: 'u' } }))).toMatch(/^proxyHost /)
  })
})

describe('carriesValue', () => {
  it('says what asks for something', () => {
    for (const v of ['x', true, 1, ['a'], { url: 'u' }, { enabled: true }, [{ a: 'b' }]]) expect(carriesValue(v), JSON.stringify(v)).toBe(true)
    for (const v of ['', '  ', false, 0, null, undefined, [], {}, { enabled: false, url: 'u' }, ['', null], { headers: {} }]) expect(carriesValue(v), JSON.stringify(v)).toBe(false)
  })
})

describe('addresses the upstream would call', () => {
  it('create: webhook.url, webhookUrl, chatwootUrl, proxyHost (as a URL)', () => {
    expect(createTargets({ instanceName: 'a', webhook: { enabled: true, url: 'http://h/in' }, webhookUrl: 'http://w/', chatwootUrl: 'http://c/', proxyHost: 'p.example', proxyPort: '3128' })).toEqual([
      { field: 'webhook.url', url: 'http://h/in' },
      { field: 'webhookUrl', url: 'http://w/' },
      { field: 'chatwootUrl', url: 'http://c/' },
      { field: 'proxyHost', url: 'http://p.example:3128/' },
    ])
    expect(createTargets({ instanceName: 'a', webhook: {}, webhookUrl: '', proxyHost: null })).toEqual([])
  })

  it('webhook/set: v2 nested or v1 flat; proxy/set: host', () => {
    expect(routeTargets('webhookSet', { webhook: { enabled: true, url: 'http://a/' } })).toEqual([{ field: 'webhook.url', url: 'http://a/' }])
    expect(routeTargets('webhookSet', { url: 'http://b/', webhook_by_events: false })).toEqual([{ field: 'url', url: 'http://b/' }])
    expect(routeTargets('webhookSet', { url: '', events: {} })).toEqual([])
    expect(routeTargets('proxySet', { enabled: true, host: '10.0.0.1', port: '8080', protocol: 'http' })).toEqual([{ field: 'host', url: 'http://10.0.0.1:8080/' }])
  })

  it('proxy hosts: scheme dropped, IPv6 bracketed, port added once', () => {
    expect(proxyHostUrl('1.2.3.4', undefined)).toBe('http://1.2.3.4/')
    expect(proxyHostUrl('socks5://1.2.3.4', 1080)).toBe('http://1.2.3.4:1080/')
    expect(proxyHostUrl('::ffff:127.0.0.1', '')).toBe('http://[::ffff:127.0.0.1]/')
    expect(proxyHostUrl('[::1]:3128', '3128')).toBe('http://[::1]:3128/')
    expect(proxyHostUrl('p.example:3128', '9999')).toBe('http://p.example:3128/')
  })

  it('targetRoute: POST /webhook/set and /proxy/set, any case; nothing else', () => {
    expect(targetRoute('POST', ['webhook', 'set', 'i'])).toBe('webhookSet')
    expect(targetRoute('POST', ['WebHook', 'SET', 'i'])).toBe('webhookSet')
    expect(targetRoute('POST', ['proxy', 'set', 'i'])).toBe('proxySet')
    expect(targetRoute('GET', ['webhook', 'find', 'i'])).toBeNull()
    expect(targetRoute('GET', ['proxy', 'set', 'i'])).toBeNull()
    expect(targetRoute('POST', ['message', 'sendText', 'i'])).toBeNull()
  })
})

describe('checkTargets', () => {
  it('refuses loopback, mapped, metadata and private addresses, naming the field and the reason', async () => {
    expect(await asyncRefusal(checkTargets([{ field: 'webhook.url', url: 'http://127.0.0.1:47811/in' }], []))).toBe('webhook.url: webhook_url cannot point to localhost')
    expect(await asyncRefusal(checkTargets([{ field: 'webhook.url', url: 'http://[::ffff:127.0.0.1]:47811/' }], []))).toBe('webhook.url: webhook_url cannot point to localhost')
    expect(await asyncRefusal(checkTargets([{ field: 'webhookUrl', url: 'http://169.254.169.254/' }], []))).toBe('webhookUrl: webhook_url cannot point to cloud metadata')
    expect(await asyncRefusal(checkTargets(createTargets({ proxyHost: '10.1.2.3' }), []))).toBe('proxyHost: webhook_url cannot point to private/internal IP addresses')
    expect(await asyncRefusal(checkTargets([{ field: 'url', url: 'ftp://example.com/' }], []))).toBe('url: webhook_url must start with http:// or https://')
  })

  it('accepts public addresses and WEBHOOK_ALLOWED_HOSTS entries', async () => {
    await expect(checkTargets([{ field: 'webhook.url', url: 'https://93.184.216.34/hook' }], [])).resolves.toBeUndefined()
    await expect(checkTargets([{ field: 'webhook.url', url: 'http://127.0.0.1:47811/in' }], ['127.0.0.1:47811'])).resolves.toBeUndefined()
    await expect(checkTargets([], [])).resolves.toBeUndefined()
  })
})

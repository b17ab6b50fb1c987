/** @module services/webhooks/deliveries tests: which queue a URL's deliveries go to, final answers, the disable notice. */
import { describe, expect, it } from 'vitest'
import { DELIVERY_QUEUE, localQueue, queueFor } from './deliveries.js'
import { disabledMail } from './disable-notice.js'
import { finalStatus } from './forwarder.js'

describe('queues', () => {
  it('a URL exempted by WEBHOOK_ALLOWED_HOSTS goes to the queue of gateways with that same list', () => {
    const allowed = ['127.0.0.1:4000', 'Hooks.Local:80']
    const q = queueFor('http://127.0.0.1:4000/h', allowed)
    expect(q).toMatch(/^webhook-delivery-local-[0-9a-f]{12}$/)
    expect(q).toBe(localQueue(['hooks.local:80', '127.0.0.1:4000', '127.0.0.1:4000']))
    expect(q).not.toBe(localQueue(['127.0.0.1:4001']))
  })
  it('any other URL goes to the shared queue', () => {
    expect(queueFor('https://93.184.216.34/h', ['127.0.0.1:4000'])).toBe(DELIVERY_QUEUE)
    expect(queueFor('https://93.184.216.34/h', [])).toBe(DELIVERY_QUEUE)
    expect(localQueue([])).toBeNull()
  })
})

describe('finalStatus', () => {
  it.each([[400, true], [404, true], [410, true], [408, false], [429, false], [500, false], [503, false], [302, false]])('%i -> %s', (status, final) => {
    expect(finalStatus(status)).toBe(final)
  })
})

describe('disabledMail', () => {
  it('names the instance, the URL and the reason, HTML-escaped', () => {
    const m = disabledMail({ webhookId: 1, reason: 'Disabled after 2 (last: <status 503>)', user_id: 1, username: 'u', email: 'u@x', instance_name: 'shop', webhook_url: 'https://x/h?a=1&b=2' })
    expect(m.subject).toBe('Webhook disabled: shop')
    expect(m.text).toContain('https://x/h?a=1&b=2')
    expect(m.text).toContain('Disabled after 2 (last: <status 503>)')
    expect(m.html).toContain('&#60;status 503&#62;')
    expect(m.html).not.toContain('<status')
  })
})

/** @module routes/webhooks/schemas tests: the bodies keep the reference's check order and messages (docs/http-behaviour.md). */
import * as v from 'valibot'
import { describe, expect, it } from 'vitest'
import { ruleError } from '../../lib/rules.js'
import { CreateWebhookBody, UpdateWebhookBody, UpdateWebhookUrl } from './schemas.js'

const URL = 'https://example.com/hook'

describe('CreateWebhookBody', () => {
  it.each([
    [{}, 'instance_name is required'],
    [{ instance_name: '', webhook_url: URL }, 'instance_name is required'],
    [{ instance_name: 5, webhook_url: URL }, 'instance_name is required'],
    [{ instance_name: 'shop' }, 'webhook_url is required'],
    [{ instance_name: 'shop', webhook_url: '' }, 'webhook_url is required'],
    [{ instance_name: 'shop', webhook_url: null }, 'webhook_url is required'],
    [{ instance_name: 'shop', webhook_url: '   ' }, 'webhook_url is required'],
    // Events are read before the URL is parsed.
    [{ instance_name: 'shop', webhook_url: 'ftp://x', events: ['CALL', 7] }, 'Invalid event: 7'],
    [{ instance_name: 'shop', webhook_url: 5, events: [null] }, 'Invalid event: null'],
    [{ instance_name: 'shop', webhook_url: 'ftp://x' }, 'webhook_url must start with http:// or https://'],
    [{ instance_name: 'shop', webhook_url: 'http://' }, 'Invalid webhook URL'],
    [{ instance_name: 'shop', webhook_url: 'https://u:p@example.com/' }, 'webhook_url must not contain credentials'],
    // Where it points is the route's check, after the 403 and the 409.
    [{ instance_name: 'shop', webhook_url: 'http://127.0.0.1/' }, null],
  ])('%j -> %s', (body, message) => expect(ruleError(CreateWebhookBody, body)).toBe(message))

  it('keeps any event names once, in order; a non-array is all events', () => {
    expect(v.parse(CreateWebhookBody, { instance_name: 'shop', webhook_url: URL, events: ['MESSAGE', 'CALL', 'MESSAGE'] })).toEqual({ instance_name: 'shop', webhook_url: URL, events: ['MESSAGE', 'CALL'] })
    expect(v.parse(CreateWebhookBody, { instance_name: 'shop', webhook_url: URL, events: 'CALL' }).events).toEqual([])
    expect(v.parse(CreateWebhookBody, { instance_name: 'shop', webhook_url: URL }).events).toEqual([])
  })
})

describe('UpdateWebhookUrl / UpdateWebhookBody', () => {
  it.each([
    [UpdateWebhookUrl, { webhook_url: '' }, 'webhook_url cannot be empty'],
    [UpdateWebhookUrl, { webhook_url: null }, 'webhook_url is required'],
    [UpdateWebhookUrl, { webhook_url: 'ftp://x', events: 'x' }, 'webhook_url must start with http:// or https://'],
    [UpdateWebhookUrl, { events: 'x' }, null], // the rest is read after the URL's target check
    [UpdateWebhookBody, { events: 'x' }, 'events must be an array'],
    [UpdateWebhookBody, { events: ['NOPE'] }, 'Invalid event: NOPE'],
    [UpdateWebhookBody, { events: ['CALL'], is_active: 'yes' }, 'is_active must be a boolean'],
    [UpdateWebhookBody, {}, null], // the route answers "No fields to update"
  ] as const)('%#: %j -> %s', (schema, body, message) => expect(ruleError(schema, body)).toBe(message))
})

import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { Redis } from 'ioredis'
import pino from 'pino'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { AlertService } from './alerts.js'
import { alertPayload, cooldownKey } from './payload.js'

describe('alertPayload', () => {
  it('carries the fields Slack, Discord and Teams read', () => {
    const p = alertPayload({ kind: 'service_down', service: 'Redis', details: 'major_outage' })
    expect(p.text).toBe('[TAGUATO-SEND] Service DOWN: Redis - major_outage')
    expect(p.content).toBe(p.text)
    expect(p.username).toBe('TAGUATO-SEND Alerts')
    expect(p.embeds).toEqual([{ title: 'Service DOWN: Redis', description: 'major_outage', color: 14495300 }])
  })
  it('has one cooldown key per kind and subject', () => {
    expect(cooldownKey({ kind: 'service_down', service: 'Redis' })).toBe('svc_down:Redis')
    expect(cooldownKey({ kind: 'service_recovered', service: 'Redis' })).toBe('svc_up:Redis')
    expect(cooldownKey({ kind: 'breaker_open', failures: 5, resetSeconds: 30 })).toBe('cb_open')
    const b = alertPayload({ kind: 'breaker_open', failures: 5, resetSeconds: 30 })
    expect(b.embeds[0]!.description).toBe('5 consecutive upstream failures. Requests blocked for 30s.')
  })
})

describe('AlertService cooldown (Redis down -> in-memory)', () => {
  let server: Server
  const received: unknown[] = []
  let url = ''
  // A Redis whose every call fails: the in-process fallback must apply the same cooldown.
  const deadRedis = { set: async () => Promise.reject(new Error('down')) } as unknown as Redis

  beforeAll(async () => {
    server = createServer((req, res) => {
      let body = ''
      req.on('data', (c) => (body += c))
      req.on('end', () => {
        received.push(JSON.parse(body))
        res.end('ok')
      })
    })
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`
  })
  afterAll(() => new Promise<void>((r) => server.close(() => r())))

  it('sends once per key within the cooldown', async () => {
    const a = new AlertService(deadRedis, pino({ level: 'silent' }), { url, cooldownSeconds: 60 })
    expect(await a.notify({ kind: 'service_down', service: 'Redis' })).toBe('sent')
    expect(await a.notify({ kind: 'service_down', service: 'Redis' })).toBe('cooldown')
    expect(await a.notify({ kind: 'service_recovered', service: 'Redis' })).toBe('sent')
    expect(received).toHaveLength(2)
  })
  it('is disabled without a URL', async () => {
    const a = new AlertService(deadRedis, pino({ level: 'silent' }), { url: '', cooldownSeconds: 60 })
    expect(await a.notify({ kind: 'breaker_closed' })).toBe('disabled')
  })
})

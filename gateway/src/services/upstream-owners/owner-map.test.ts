/**
 * The owner map and the proxy's routing by it, against real local servers: two "replicas" (the base
 * UPSTREAM_URL and an owner), a /placement answer, the X-Upstream-Owner hint, and a gone owner (connection
 * refused) retried once at UPSTREAM_URL.
 */
import http, { type IncomingMessage } from 'node:http'
import type { AddressInfo } from 'node:net'
import pino from 'pino'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { UpstreamClient } from '../upstream-client/upstream-client.js'
import { UpstreamProxy } from '../upstream-proxy/upstream-proxy.js'
import { instanceOfPath, OwnerMap } from './owner-map.js'

type Replica = { url: string; hits: string[]; server: http.Server }
let base: Replica
let owner: Replica
let placement: { instances: { name: string; url: string | null }[] } = { instances: [] }
let placementStatus = 200

async function replica(name: string, hint?: () => string | undefined): Promise<Replica> {
  const hits: string[] = []
  const server = http.createServer((req, res) => {
    req.resume()
    req.on('end', () => {
      hits.push(req.url!)
      if (req.url === '/placement') {
        res.writeHead(placementStatus, { 'content-type': 'application/json' })
        res.end(JSON.stringify(placement))
        return
      }
      const headers: Record<string, string> = { 'content-type': 'application/json' }
      const h = hint?.()
      if (h) headers['x-upstream-owner'] = h
      res.writeHead(201, headers)
      res.end(JSON.stringify({ servedBy: name }))
    })
  })
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, hits, server }
}

let hintOwner: string | undefined
beforeAll(async () => {
  owner = await replica('owner')
  base = await replica('base', () => hintOwner)
})
afterAll(async () => {
  for (const r of [base, owner]) await new Promise<void>((done) => r.server.close(() => done()))
})

const log = pino({ level: 'silent' })
const incoming = () => ({ headers: { host: 'gw' }, socket: {} }) as unknown as IncomingMessage
const send = (p: UpstreamProxy, url: string) =>
  p.send({ incoming: incoming(), method: 'POST', url, body: Buffer.from('{}'), requestId: 'r', clientIp: '203.0.113.1', contentType: 'application/json' })
const servedBy = (res: { body: unknown }) => JSON.parse((res.body as Buffer).toString()).servedBy

describe('instanceOfPath', () => {
  it('names the instance of instance routes only, decoded', () => {
    expect(instanceOfPath('/message/sendText/shop%201?x=1')).toBe('shop 1')
    expect(instanceOfPath('/instance/connectionState/a')).toBe('a')
    expect(instanceOfPath('/instance/create')).toBeNull()
    expect(instanceOfPath('/instance/fetchInstances?instanceName=a')).toBeNull()
    expect(instanceOfPath('/sandbox/instances/a/scan')).toBeNull()
    expect(instanceOfPath('/message/sendText/%E0%A4%A')).toBeNull()
  })
})

describe('OwnerMap with the proxy', () => {
  const client = () => new UpstreamClient({ baseUrl: base.url, apiKey: 'k', timeoutMs: 2000, connectTimeoutMs: 1000 })

  it('sends an instance\'s request straight to its owner; unknown instances to UPSTREAM_URL', async () => {
    placement = { instances: [{ name: 'a', url: owner.url }, { name: 'b', url: null }] }
    const map = new OwnerMap(client(), log, 1000)
    await map.refresh()
    expect(map.size).toBe(1)
    const p = new UpstreamProxy({ baseUrl: base.url, route: map, apiKey: 'k', connectTimeoutMs: 1000, readTimeoutMs: 2000 })
    expect(servedBy(await send(p, '/message/sendText/a'))).toBe('owner')
    expect(servedBy(await send(p, '/message/sendText/b'))).toBe('base')
    p.close()
  })

  it('learns from X-Upstream-Owner, which is not relayed', async () => {
    placement = { instances: [] }
    const map = new OwnerMap(client(), log, 1000)
    await map.refresh()
    const p = new UpstreamProxy({ baseUrl: base.url, route: map, apiKey: 'k', connectTimeoutMs: 1000, readTimeoutMs: 2000 })
    hintOwner = owner.url
    const first = await send(p, '/message/sendText/c')
    hintOwner = undefined
    expect(servedBy(first)).toBe('base')
    expect(first.headers['x-upstream-owner']).toBeUndefined()
    expect(servedBy(await send(p, '/message/sendText/c'))).toBe('owner')
    p.close()
  })

  it('a gone owner (connection refused): the send goes once more to UPSTREAM_URL, and the owner is forgotten', async () => {
    const gone = await replica('gone')
    await new Promise<void>((r) => gone.server.close(() => r()))
    placement = { instances: [{ name: 'd', url: gone.url }] }
    const map = new OwnerMap(client(), log, 1000)
    await map.refresh()
    const p = new UpstreamProxy({ baseUrl: base.url, route: map, apiKey: 'k', connectTimeoutMs: 1000, readTimeoutMs: 2000 })
    expect(servedBy(await send(p, '/message/sendText/d'))).toBe('base')
    expect(map.targetFor('/message/sendText/d')).toBeUndefined()
    p.close()
  })

  it('an upstream without /placement (a real Evolution API): everything to UPSTREAM_URL, not asked again', async () => {
    placementStatus = 404
    const map = new OwnerMap(client(), log, 1000)
    await map.refresh()
    const asked = base.hits.filter((h) => h === '/placement').length
    await map.refresh()
    expect(base.hits.filter((h) => h === '/placement').length).toBe(asked)
    expect(map.size).toBe(0)
    placementStatus = 200
  })
})

/** @module common/outbound-guard/client tests: connect-time checks (rebinding), redirects, caps, exemptions. */
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createOutboundClient, guardedLookup, OutboundTooLargeError } from './client.js'
import type { Resolver } from './resolve.js'
import { OutboundRefusedError, type GuardRules } from './url-check.js'

/** A loopback server that counts what reaches it. */
let server: http.Server
let port = 0
const seen: string[] = []
beforeAll(async () => {
  server = http.createServer((req, res) => {
    seen.push(req.url ?? '')
    if (req.url === '/big') return res.end(Buffer.alloc(4096))
    if (req.url === '/slow') return setTimeout(() => res.end('late'), 2_000)
    if (req.url?.startsWith('/redirect-to/')) {
      res.writeHead(302, { location: decodeURIComponent(req.url.slice('/redirect-to/'.length)) })
      return res.end()
    }
    res.end('ok')
  })
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
  port = (server.address() as AddressInfo).port
})
afterAll(() => new Promise<void>((r) => server.close(() => r())))

/** A resolver whose answers change between calls: the first for the check, the second for the connect. */
const sequence = (...answers: string[][]): Resolver => {
  let i = 0
  return async () => (answers[Math.min(i++, answers.length - 1)] ?? []).map((address) => ({ address, family: address.includes(':') ? 6 : 4 }))
}
const rules = (over: Partial<GuardRules> = {}): GuardRules => ({ allowIPv6: false, allowedHosts: [], ...over })

describe('guardedLookup', () => {
  const look = (r: Resolver, all: boolean) =>
    new Promise<{ err: NodeJS.ErrnoException | null; res: unknown }>((done) =>
      guardedLookup(rules({ resolve: r }))('x.test', { all }, (err, res) => done({ err, res })),
    )
  it('refuses a name with any refused answer (round-robin with one private address)', async () => {
    const { err } = await look(sequence(['93.184.216.34', '10.1.2.3']), true)
    expect(err).toBeInstanceOf(OutboundRefusedError)
    expect(err?.message).toBe('x.test resolves to a private address')
  })
  it('hands the socket exactly the addresses it checked, IPv6 left out under an IPv4-only policy', async () => {
    expect((await look(sequence(['93.184.216.34', '2606:4700::1']), true)).res).toEqual([{ address: '93.184.216.34', family: 4 }])
    expect((await look(sequence(['93.184.216.34']), false)).res).toBe('93.184.216.34')
  })
})

describe('createOutboundClient', () => {
  it('DNS rebinding: a name that was public at check time and loopback at connect time never connects', async () => {
    const client = createOutboundClient(rules({ resolve: sequence(['93.184.216.34'], ['127.0.0.1']) }))
    const before = seen.length
    await expect(client.fetch(`http://rebind.test:${port}/secret`, { timeoutMs: 2_000 })).rejects.toMatchObject({
      code: 'EOUTBOUNDREFUSED',
      message: 'rebind.test resolves to a loopback address',
    })
    expect(seen.length).toBe(before)
    await client.close()
  })

  it('a literal loopback URL is refused before anything is sent', async () => {
    const client = createOutboundClient(rules())
    const before = seen.length
    await expect(client.fetch(`http://127.0.0.1:${port}/x`, { timeoutMs: 2_000 })).rejects.toBeInstanceOf(OutboundRefusedError)
    await expect(client.fetch(`http://[::ffff:127.0.0.1]:${port}/x`, { timeoutMs: 2_000 })).rejects.toBeInstanceOf(OutboundRefusedError)
    expect(seen.length).toBe(before)
    await client.close()
  })

  it('an exempt test host is fetched; its redirect to a refused address is not followed', async () => {
    const client = createOutboundClient(rules({ allowedHosts: [`127.0.0.1:${port}`] }))
    const ok = await client.fetch(`http://127.0.0.1:${port}/file`, { timeoutMs: 2_000 })
    expect(ok.status).toBe(200)
    expect(ok.body.toString()).toBe('ok')
    // The hop target is another port of 127.0.0.1: not exempt.
    const hop = encodeURIComponent('http://127.0.0.1:1/x')
    await expect(client.fetch(`http://127.0.0.1:${port}/redirect-to/${hop}`, { timeoutMs: 2_000, maxRedirects: 3 })).rejects.toMatchObject({
      reason: 'redirect',
    })
    // Without maxRedirects the 3xx comes back as it is.
    expect((await client.fetch(`http://127.0.0.1:${port}/redirect-to/${hop}`, { timeoutMs: 2_000 })).status).toBe(302)
    // An allowed redirect (same exempt host) is followed.
    const same = encodeURIComponent(`http://127.0.0.1:${port}/final`)
    const followed = await client.fetch(`http://127.0.0.1:${port}/redirect-to/${same}`, { timeoutMs: 2_000, maxRedirects: 3 })
    expect(followed.url.pathname).toBe('/final')
    await client.close()
  })

  it('caps the body size and the time', async () => {
    const client = createOutboundClient(rules({ allowedHosts: [`127.0.0.1:${port}`] }))
    await expect(client.fetch(`http://127.0.0.1:${port}/big`, { timeoutMs: 2_000, maxBytes: 1000 })).rejects.toBeInstanceOf(OutboundTooLargeError)
    await expect(client.fetch(`http://127.0.0.1:${port}/slow`, { timeoutMs: 300 })).rejects.toThrow()
    await client.close()
  })

  it('the test resolver makes a public-looking name resolve to loopback, and that is refused', async () => {
    const { guardRules } = await import('./rules.js')
    const client = createOutboundClient(guardRules({ allowIPv6: false, allowedHosts: [], testResolve: 'cdn.example.test=127.0.0.1' }))
    await expect(client.check(`http://cdn.example.test:${port}/x`)).resolves.toMatchObject({ ok: false, reason: 'loopback' })
    await expect(client.fetch(`http://cdn.example.test:${port}/x`, { timeoutMs: 2_000 })).rejects.toBeInstanceOf(OutboundRefusedError)
    await client.close()
  })
})

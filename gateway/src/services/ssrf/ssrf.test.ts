/** @module services/ssrf tests: the URL forms an attacker would try, and the ones that must pass. */
import { describe, expect, it } from 'vitest'
import { classifyIP, mappedIPv4, MSG } from './classify.js'
import { checkUrlSyntax, checkUrlTarget, checkWebhookUrl, judgeAnswers, parseWebhookUrl, type ResolveAll } from './ssrf.js'

const fakeDns = (table: Record<string, string[]>): ResolveAll => async (host) => {
  const ips = table[host]
  if (!ips) throw Object.assign(new Error('ENOTFOUND'), { code: 'ENOTFOUND' })
  return ips.map((address) => ({ address, family: address.includes(':') ? 6 : 4 }))
}
const check = (url: unknown, allowedHosts: string[] = []) =>
  checkWebhookUrl(url, {
    allowedHosts,
    resolve: fakeDns({
      'hooks.example.com': ['93.184.216.34'],
      'dual.example.com': ['93.184.216.34', '2606:2800:220:1::1'],
      'v6only.example.com': ['2606:2800:220:1::1'],
      'rebind.example.com': ['93.184.216.34', '10.1.2.3'],
      'loop.example.com': ['127.0.0.1'],
      'mapped.example.com': ['::ffff:192.168.1.1'],
    }),
  })

describe('checkWebhookUrl refuses', () => {
  it.each([
    [undefined, MSG.required],
    ['', MSG.required],
    ['ftp://example.com/x', MSG.scheme],
    ['javascript:alert(1)', MSG.scheme],
    ['//example.com', MSG.scheme],
    ['http://', MSG.invalid],
    ['http://localhost/x', MSG.localhost],
    ['http://LOCALHOST./x', MSG.localhost],
    ['http://api.localhost/x', MSG.localhost],
    ['http://127.0.0.1/x', MSG.localhost],
    ['http://127.1/x', MSG.localhost],
    ['http://0x7f000001/x', MSG.localhost],
    ['http://2130706433/x', MSG.localhost],
    ['http://0177.0.0.1/x', MSG.localhost],
    ['http://0.0.0.0/x', MSG.localhost],
    ['http://0/x', MSG.localhost],
    ['http://[::1]/x', MSG.localhost],
    ['http://[::]/x', MSG.localhost],
    ['http://[::ffff:127.0.0.1]/x', MSG.localhost],
    ['http://[0:0:0:0:0:ffff:a00:1]/x', MSG.private],
    ['http://[2606:2800:220:1::1]/x', MSG.ipv6],
    ['http://[fe80::1]/x', MSG.ipv6],
    ['http://[64:ff9b::a00:1]/x', MSG.private],
    ['http://[2002:7f00:1::]/x', MSG.localhost],
    ['http://[fd00::1]/x', MSG.ipv6],
    ['http://10.0.0.1/x', MSG.private],
    ['http://172.16.5.4/x', MSG.private],
    ['http://172.31.255.255/x', MSG.private],
    ['http://192.168.1.1:8080/x', MSG.private],
    ['http://100.64.0.1/x', MSG.private],
    ['http://224.0.0.1/x', MSG.private],
    ['http://255.255.255.255/x', MSG.private],
    ['http://169.254.169.254/latest/meta-data', MSG.metadata],
    ['http://169.254.1.1/x', MSG.private],
    ['http://metadata.google.internal/computeMetadata', MSG.metadata],
    ['http://taguato-api:8080/x', MSG.internal],
    ['http://taguato-postgres/x', MSG.internal],
    ['http://user@10.0.0.1/x', MSG.credentials],
    ['http://user:pw@example.com/x', MSG.credentials],
    ['http://example.com@127.0.0.1/x', MSG.credentials],
    ['http://loop.example.com/x', MSG.localhost],
    ['http://rebind.example.com/x', MSG.private],
    ['http://mapped.example.com/x', MSG.private],
    ['http://v6only.example.com/x', MSG.noPublic],
    ['http://nxdomain.example.com/x', MSG.unresolved],
  ])('%s', async (url, msg) => {
    const r = await check(url)
    expect(r.ok ? null : r.error).toBe(msg)
  })
})

describe('checkWebhookUrl accepts', () => {
  it.each(['https://hooks.example.com/in', 'http://93.184.216.34:8443/x?y=1', 'HTTPS://dual.example.com/'])('%s', async (url) => {
    expect((await check(url)).ok).toBe(true)
  })

  it('exempts WEBHOOK_ALLOWED_HOSTS entries by host:port or host', async () => {
    expect(await check('http://127.0.0.1:9999/hook', ['127.0.0.1:9999'])).toMatchObject({ ok: true, exempt: true })
    expect((await check('http://127.0.0.1:9998/hook', ['127.0.0.1:9999'])).ok).toBe(false)
    expect(await check('http://localhost/hook', ['localhost'])).toMatchObject({ ok: true, exempt: true })
    // credentials are refused even on an exempt host
    expect((await check('http://u@127.0.0.1:9999/hook', ['127.0.0.1:9999'])).ok).toBe(false)
  })
})

describe('address classification', () => {
  it('extracts the IPv4 of mapped IPv6 in every spelling', () => {
    expect(mappedIPv4('::ffff:127.0.0.1')).toBe('127.0.0.1')
    expect(mappedIPv4('[::ffff:7f00:1]')).toBe('127.0.0.1')
    expect(mappedIPv4('0:0:0:0:0:FFFF:0A00:0001')).toBe('10.0.0.1')
    expect(mappedIPv4('2001:db8::1')).toBeNull()
  })
  it('classifies public and private addresses', () => {
    expect(classifyIP('8.8.8.8')).toBeNull()
    expect(classifyIP('172.15.0.1')).toBeNull()
    expect(classifyIP('172.32.0.1')).toBeNull()
    expect(classifyIP('198.18.0.1')).toBe(MSG.private)
    expect(classifyIP('not-an-ip')).toBe(MSG.invalid)
  })
  it('judges DNS answers: any private answer condemns, IPv6-only has no usable address', () => {
    expect(judgeAnswers([{ address: '8.8.8.8', family: 4 }])).toBeNull()
    expect(judgeAnswers([])).toBe(MSG.noPublic)
  })
  it('syntax check alone does not resolve names', () => {
    expect(checkUrlSyntax('https://anything.example/x', [])).toMatchObject({ ok: true, exempt: false })
  })
})

describe('save time: syntax and target apart (webhook create checks ownership in between)', () => {
  const dns = fakeDns({ 'hooks.example.com': ['93.184.216.34'], 'loop.example.com': ['127.0.0.1'] })
  it('parseWebhookUrl judges syntax only: private targets pass it', () => {
    expect(parseWebhookUrl('http://10.0.0.1/x', [])).toMatchObject({ ok: true })
    expect(parseWebhookUrl('http://localhost/x', [])).toMatchObject({ ok: true })
    expect(parseWebhookUrl('ftp://x/', [])).toEqual({ ok: false, error: MSG.scheme })
    expect(parseWebhookUrl('http://u:p@example.com/', [])).toEqual({ ok: false, error: MSG.credentials })
  })
  it('an unresolvable name is accepted when asked to, a name resolving to a forbidden address never', async () => {
    const target = (url: string) => checkUrlTarget(parseWebhookUrl(url, []), { resolve: dns, unresolved: 'accept' })
    expect((await target('http://hooks.example.invalid/x')).ok).toBe(true)
    expect(await target('http://loop.example.com/x')).toEqual({ ok: false, error: MSG.localhost })
    expect(await target('http://10.0.0.1/x')).toEqual({ ok: false, error: MSG.private })
    expect(await target('http://metadata.google.internal/x')).toEqual({ ok: false, error: MSG.metadata })
    expect((await target('https://hooks.example.com/x')).ok).toBe(true)
    // delivery keeps refusing it
    expect(await checkUrlTarget(parseWebhookUrl('http://hooks.example.invalid/x', []), { resolve: dns })).toEqual({ ok: false, error: MSG.unresolved })
  })
})

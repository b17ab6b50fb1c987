// lib/proxy-agent: the proxy URL (credentials encoded), the agent per protocol, and the guard on the
// connection to the proxy: a literal internal address is refused unless exempt.
import { HttpsProxyAgent } from 'https-proxy-agent'
import { SocksProxyAgent } from 'socks-proxy-agent'
import { describe, expect, it } from 'vitest'
import { guardRules } from '../../../common/src/outbound-guard/index.js'
import { proxyAgent, proxyUrl } from './proxy-agent.js'

const p = { host: '93.184.216.34', port: '3128', protocol: 'http', username: '', password: '' }
const rules = guardRules({ allowIPv6: true, allowedHosts: ['127.0.0.1:3128'] })

describe('proxy-agent', () => {
  it('proxyUrl: credentials percent-encoded, IPv6 bracketed', () => {
    expect(proxyUrl(p)).toBe('http://93.184.216.34:3128')
    expect(proxyUrl({ ...p, username: 'a@b', password: 'p:w/' })).toBe('http://a%40b:p%3Aw%2F@93.184.216.34:3128')
    expect(proxyUrl({ ...p, host: '2001:db8::1', protocol: 'socks5' })).toBe('socks5://[2001:db8::1]:3128')
  })

  it('http and https: HTTP CONNECT; socks4 and socks5: SOCKS', () => {
    expect(proxyAgent(p, rules)).toBeInstanceOf(HttpsProxyAgent)
    expect(proxyAgent({ ...p, protocol: 'https' }, rules)).toBeInstanceOf(HttpsProxyAgent)
    expect(proxyAgent({ ...p, protocol: 'socks4' }, rules)).toBeInstanceOf(SocksProxyAgent)
    expect(proxyAgent({ ...p, protocol: 'socks5', host: 'proxy.example.com' }, rules)).toBeInstanceOf(SocksProxyAgent)
  })

  it('a literal internal proxy address is refused unless exempt', () => {
    expect(() => proxyAgent({ ...p, host: '10.0.0.1' }, rules)).toThrow(/10\.0\.0\.1 is/)
    expect(() => proxyAgent({ ...p, host: '127.0.0.1', port: '8080' }, rules)).toThrow(/127\.0\.0\.1 is/)
    expect(proxyAgent({ ...p, host: '127.0.0.1' }, rules)).toBeInstanceOf(HttpsProxyAgent)
  })
})

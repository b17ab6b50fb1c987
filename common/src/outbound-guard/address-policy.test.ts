/** @module common/outbound-guard/address-policy tests: every spelling of an internal address an attacker would try. */
import { describe, expect, it } from 'vitest'
import { addressRefusal, type AddressRefusal } from './address-policy.js'
import { checkUrlStatic } from './url-check.js'

const v4only = { allowIPv6: false }
const withV6 = { allowIPv6: true }

describe('addressRefusal', () => {
  it.each<[string, AddressRefusal]>([
    ['127.0.0.1', 'loopback'],
    ['127.255.255.254', 'loopback'],
    ['0.0.0.0', 'unspecified'],
    ['0.1.2.3', 'unspecified'],
    ['10.0.0.1', 'private'],
    ['172.16.5.4', 'private'],
    ['172.31.255.255', 'private'],
    ['192.168.1.1', 'private'],
    ['100.64.0.1', 'cgnat'],
    ['100.127.255.255', 'cgnat'],
    ['169.254.1.1', 'link-local'],
    ['169.254.169.254', 'metadata'],
    ['169.254.170.2', 'metadata'],
    ['100.100.100.200', 'metadata'],
    ['224.0.0.1', 'multicast'],
    ['239.255.255.250', 'multicast'],
    ['255.255.255.255', 'broadcast'],
    ['240.0.0.1', 'reserved'],
    ['192.0.2.1', 'reserved'],
    ['198.18.0.1', 'reserved'],
    ['198.51.100.7', 'reserved'],
    ['203.0.113.9', 'reserved'],
    ['192.0.0.8', 'reserved'],
    // IPv6 proper
    ['::1', 'loopback'],
    ['::', 'unspecified'],
    ['fe80::1', 'link-local'],
    ['[fe80::1%25eth0]', 'link-local'],
    ['fc00::1', 'private'],
    ['fd12:3456::1', 'private'],
    ['fd00:ec2::254', 'metadata'],
    ['fec0::1', 'private'],
    ['ff02::1', 'multicast'],
    ['2001:db8::1', 'reserved'],
    ['100::1', 'reserved'],
    // IPv6 carrying an IPv4 address: judged by the IPv4 it carries
    ['::ffff:127.0.0.1', 'loopback'],
    ['::ffff:7f00:1', 'loopback'],
    ['0:0:0:0:0:FFFF:0A00:0001', 'private'],
    ['::ffff:169.254.169.254', 'metadata'],
    ['::7f00:1', 'loopback'],
    ['::127.0.0.1', 'loopback'],
    ['::ffff:0:7f00:1', 'loopback'],
    ['64:ff9b::a00:1', 'private'],
    ['64:ff9b::127.0.0.1', 'loopback'],
    ['64:ff9b:1::c0a8:101', 'private'],
    ['2002:7f00:1::', 'loopback'],
    ['2002:a00:1::1', 'private'],
    // Teredo: the client address is stored inverted (f5ff:fffe is 10.0.0.1).
    ['2001:0:4136:e378:8000:63bf:f5ff:fffe', 'private'],
    ['not-an-ip', 'invalid'],
  ])('%s is %s', (ip, why) => {
    expect(addressRefusal(ip, withV6)).toBe(why)
    expect(addressRefusal(ip, v4only)).toBe(why)
  })

  it.each(['8.8.8.8', '93.184.216.34', '172.15.0.1', '172.32.0.1', '100.63.255.255', '100.128.0.1', '11.0.0.1'])('%s is public', (ip) => {
    expect(addressRefusal(ip, v4only)).toBeNull()
  })

  it('public IPv6 passes only when the policy allows IPv6', () => {
    expect(addressRefusal('2606:4700::1111', withV6)).toBeNull()
    expect(addressRefusal('2606:4700::1111', v4only)).toBe('ipv6')
    expect(addressRefusal('::ffff:8.8.8.8', v4only)).toBe('ipv6')
    expect(addressRefusal('64:ff9b::808:808', withV6)).toBeNull()
  })
})

describe('checkUrlStatic: URL spellings the WHATWG parser turns into internal addresses', () => {
  const rules = { allowIPv6: false, allowedHosts: [] as string[] }
  it.each([
    'http://127.0.0.1/x',
    'http://127.1/x',
    'http://0x7f000001/x',
    'http://2130706433/x',
    'http://0177.0.0.1/x',
    'http://0.0.0.0/x',
    'http://0/x',
    'http://[::1]/x',
    'http://[::]/x',
    'http://[::ffff:127.0.0.1]:47811/',
    'http://[::ffff:7f00:1]/',
    'http://[0:0:0:0:0:ffff:a00:1]/x',
    'http://[fe80::1]/x',
    'http://[fd00::1]/x',
    'http://[64:ff9b::10.0.0.1]/x',
    'http://10.0.0.1/x',
    'http://172.16.5.4/x',
    'http://192.168.1.1:8080/x',
    'http://100.64.0.1/x',
    'http://224.0.0.1/x',
    'http://255.255.255.255/x',
    'http://169.254.169.254/latest/meta-data',
    'http://localhost/x',
    'http://LOCALHOST./x',
    'http://api.localhost/x',
    'http://metadata.google.internal/computeMetadata',
    'http://taguato-api:8080/x',
    'http://postgres/x',
    'http://printer.local/x',
    'http://router.home.arpa/x',
    'http://user:pw@example.com/x',
    'http://example.com@127.0.0.1/x',
    'ftp://example.com/x',
    'file:///etc/passwd',
    'gopher://127.0.0.1:6379/_INFO',
    '',
  ])('%s is refused', (url) => {
    expect(checkUrlStatic(url, rules).ok).toBe(false)
  })

  it('says why in words a caller understands', () => {
    expect(checkUrlStatic('http://127.0.0.1:9/x', rules)).toMatchObject({ ok: false, reason: 'loopback', message: '127.0.0.1 is a loopback address' })
    expect(checkUrlStatic('http://[::ffff:7f00:1]/', rules)).toMatchObject({ ok: false, reason: 'loopback', message: '[::ffff:7f00:1] is a loopback address' })
    expect(checkUrlStatic('http://169.254.169.254/', rules)).toMatchObject({ reason: 'metadata', message: '169.254.169.254 is a cloud metadata address' })
    expect(checkUrlStatic('http://postgres:5432/', rules)).toMatchObject({ reason: 'internal', message: 'postgres is an internal host name' })
  })

  it('exempt hosts pass the address rules but never the syntax rules', () => {
    const exempt = { ...rules, allowedHosts: ['127.0.0.1:9999'] }
    expect(checkUrlStatic('http://127.0.0.1:9999/x', exempt)).toMatchObject({ ok: true, exempt: true })
    expect(checkUrlStatic('http://127.0.0.1:9998/x', exempt).ok).toBe(false)
    expect(checkUrlStatic('http://u:p@127.0.0.1:9999/x', exempt).ok).toBe(false)
  })
})

/** @module routes/proxy/route-table tests: path normalisation and deny-by-default matching (D1, docs/decisions.md#d1). */
import { describe, expect, it } from 'vitest'
import { isNativePath, matchRoute } from './route-table.js'
import { parseUpstreamPath, rawTarget } from './upstream-path.js'

const seg = (p: string) => parseUpstreamPath(p)!.segments

describe('parseUpstreamPath', () => {
  it('decodes, merges // and drops the trailing slash; keeps the query', () => {
    expect(parseUpstreamPath('//instance//connect/my%2Dinst/?number=1')).toEqual({
      segments: ['instance', 'connect', 'my-inst'],
      forwardUrl: '/instance/connect/my-inst?number=1',
    })
  })
  it('re-encodes what needs it and keeps @ : + , ;', () => {
    expect(parseUpstreamPath('/chat/x/a%20b@c')!.forwardUrl).toBe('/chat/x/a%20b@c')
  })
  it.each(['/a/..%2Fb', '/a/%2e%2e/b', '/a/%2E/b', '/a/b%5Cc', '/a/b%00', '/a/%zz', '/a/..', 'a/b', '/a/b\\c'])('refuses %s', (p) => {
    expect(parseUpstreamPath(p)).toBeNull()
  })
  it('rawTarget keeps the encoded path and query of a URL', () => {
    expect(rawTarget('http://h:1/a/%2F?x=1')).toBe('/a/%2F?x=1')
  })
})

describe('matchRoute', () => {
  it('finds instance-scoped routes and their instance, whatever the family case', () => {
    expect(matchRoute('POST', seg('/message/sendText/inst1'))).toMatchObject({ rule: { kind: 'message' }, instance: 'inst1' })
    expect(matchRoute('POST', seg('/MESSAGE/SENDTEXT/Inst1/'))).toMatchObject({ instance: 'Inst1' })
    expect(matchRoute('GET', seg('/instance/connectionState/a%20b'))?.instance).toBe('a b')
  })
  it('knows the intercepted routes', () => {
    expect(matchRoute('POST', seg('/instance/create'))?.rule.kind).toBe('create')
    expect(matchRoute('GET', seg('/instance/fetchInstances'))?.rule.kind).toBe('fetchInstances')
    expect(matchRoute('DELETE', seg('/instance/delete/x'))).toMatchObject({ rule: { kind: 'delete' }, instance: 'x' })
  })
  it('PUT restart is an alias sent upstream as POST (D14, docs/decisions.md#d14)', () => {
    expect(matchRoute('PUT', seg('/instance/restart/x'))?.rule.upstreamMethod).toBe('POST')
  })
  it('denies by default: other segment counts, methods and unknown families are unlisted', () => {
    expect(matchRoute('GET', seg('/instance/connectionState/x/extra'))).toBeNull()
    expect(matchRoute('GET', seg('/instance/connectionState'))).toBeNull()
    expect(matchRoute('DELETE', seg('/instance/connect/x'))).toBeNull()
    expect(matchRoute('POST', seg('/instance/create/x'))).toBeNull()
    expect(matchRoute('GET', seg('/manager'))).toBeNull()
    expect(matchRoute('GET', [])).toBeNull()
    expect(matchRoute('POST', seg('/chatwoot/set/x'))).toBeNull()
  })
  it('webhook/set is listed as admin-only (D3, docs/decisions.md#d3), webhook/find is a user route', () => {
    expect(matchRoute('POST', seg('/webhook/set/x'))?.rule.adminOnly).toBe(true)
    expect(matchRoute('GET', seg('/webhook/find/x'))?.rule.adminOnly).toBeUndefined()
  })
  it('native prefixes are recognised by whole first segment only', () => {
    expect(isNativePath(['api', 'x'])).toBe(true)
    expect(isNativePath(['Admin'])).toBe(true)
    expect(isNativePath(['apix'])).toBe(false)
    expect(isNativePath(['instance', 'api'])).toBe(false)
  })
})

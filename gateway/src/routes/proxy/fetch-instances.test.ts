/** @module routes/proxy/fetch-instances tests: filtering (D2, docs/decisions.md#d2) and the dual v2/compat row shape (D14, docs/decisions.md#d14). */
import { describe, expect, it } from 'vitest'
import { filterInstances, normaliseInstanceRow } from './fetch-instances.js'

describe('fetchInstances rows', () => {
  it('adds instance:{instanceName,state} to v2 flat rows', () => {
    expect(normaliseInstanceRow({ name: 'a', connectionStatus: 'open', token: 't' })).toEqual({
      name: 'a', connectionStatus: 'open', token: 't', instance: { instanceName: 'a', state: 'open' },
    })
  })
  it('never gives back a Cloud API instance token (the Meta access token): tokenSet says it is there', () => {
    const r = normaliseInstanceRow({ name: 'biz', connectionStatus: 'open', integration: 'WHATSAPP-BUSINESS', token: 'EAAG-secret' })
    expect([r.token, r.tokenSet]).toEqual([null, true])
    expect(JSON.stringify(r)).not.toContain('EAAG-secret')
    expect(normaliseInstanceRow({ name: 'b2', integration: 'WHATSAPP-BUSINESS', token: '' }).tokenSet).toBe(false)
  })
  it('adds name/connectionStatus to v1-style rows', () => {
    const r = normaliseInstanceRow({ instance: { instanceName: 'b', status: 'close' } })
    expect([r.name, r.connectionStatus]).toEqual(['b', 'close'])
  })
  it('filters to the allowed names (null = admin, all) and skips non-objects', () => {
    const rows = [{ name: 'a' }, { name: 'b' }, null, 'x', { instance: { instanceName: 'c' } }]
    expect(filterInstances(rows, new Set(['a', 'c'])).map((r) => r.name)).toEqual(['a', 'c'])
    expect(filterInstances(rows, null)).toHaveLength(3)
    expect(filterInstances([], new Set())).toEqual([])
  })
})

/** @module services/status/service-state tests: a service's public state and the "no data yet" rule. */
import { describe, expect, it } from 'vitest'
import { enoughData, serviceState } from './service-state.js'

describe('serviceState', () => {
  it('follows the check, then the incidents that name the service, by severity', () => {
    expect(serviceState('operational', [], false)).toBe('operational')
    expect(serviceState('major_outage', [], false)).toBe('major_outage')
    expect(serviceState('operational', [{ severity: 'minor' }], false)).toBe('degraded')
    expect(serviceState('operational', [{ severity: 'major' }, { severity: 'minor' }], false)).toBe('partial_outage')
    expect(serviceState('operational', [{ severity: 'critical' }], false)).toBe('major_outage')
  })
  it('reads maintenance only while nothing is worse', () => {
    expect(serviceState('operational', [], true)).toBe('maintenance')
    expect(serviceState('operational', [{ severity: 'major' }], true)).toBe('partial_outage')
  })
})

describe('enoughData', () => {
  const now = new Date('2026-01-01T12:00:00Z')
  it('needs an hour of measured time', () => {
    expect(enoughData(null, now)).toBe(false)
    expect(enoughData(new Date('2026-01-01T11:50:00Z'), now)).toBe(false)
    expect(enoughData(new Date('2026-01-01T11:00:00Z'), now)).toBe(true)
  })
})

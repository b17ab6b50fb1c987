import { describe, expect, it } from 'vitest'
import { overallStatus } from './overall.js'

const up = { status: 'operational' }
const down = { status: 'major_outage' }

describe('overallStatus', () => {
  it('is operational when every check passes and nothing is open', () => {
    expect(overallStatus({ services: [up, up, up, up], openIncidents: [], maintenanceInProgress: false })).toBe('operational')
  })
  it('is partial_outage when some checks fail and major_outage when all fail', () => {
    expect(overallStatus({ services: [up, down, up, up], openIncidents: [], maintenanceInProgress: false })).toBe('partial_outage')
    expect(overallStatus({ services: [down, down], openIncidents: [], maintenanceInProgress: false })).toBe('major_outage')
  })
  it('takes the worst incident whatever the order (R7, docs/decisions.md#r7)', () => {
    const s = [up, up]
    expect(overallStatus({ services: s, openIncidents: [{ severity: 'minor' }, { severity: 'major' }], maintenanceInProgress: false })).toBe('partial_outage')
    expect(overallStatus({ services: s, openIncidents: [{ severity: 'major' }, { severity: 'minor' }], maintenanceInProgress: false })).toBe('partial_outage')
    expect(overallStatus({ services: s, openIncidents: [{ severity: 'minor' }, { severity: 'critical' }], maintenanceInProgress: false })).toBe('major_outage')
    expect(overallStatus({ services: s, openIncidents: [{ severity: 'minor' }], maintenanceInProgress: false })).toBe('degraded')
  })
  it('never lowers a worse state', () => {
    expect(overallStatus({ services: [down, up], openIncidents: [{ severity: 'minor' }], maintenanceInProgress: true })).toBe('partial_outage')
  })
  it('raises to degraded during maintenance', () => {
    expect(overallStatus({ services: [up], openIncidents: [], maintenanceInProgress: true })).toBe('degraded')
  })
})

import { describe, expect, it } from 'vitest'
import { limitsFor, warmupFactor, type BudgetConfig, type InstanceSendSettings } from './limits.js'

const c: BudgetConfig = { SEND_BUDGET_PER_MINUTE: 20, SEND_BUDGET_NEW_RECIPIENTS_PER_DAY: 200, SEND_WARMUP_DAYS: 7, SEND_WARMUP_START_PERCENT: 20, SEND_BUDGET_CLOUD_API: false }
const DAY = 86_400_000
const now = Date.UTC(2026, 0, 10)
const inst = (o: Partial<InstanceSendSettings> = {}): InstanceSendSettings => ({
  integration: 'WHATSAPP-BAILEYS', perMinute: null, newRecipientsPerDay: null, warmupDays: null, sendMode: null, linkedAt: new Date(now - 30 * DAY), ...o,
})

describe('send budget limits', () => {
  it('a long-linked Baileys number gets the defaults', () => {
    expect(limitsFor(c, inst(), now)).toEqual({ perMinute: 20, perDay: 200 })
  })

  it('warm-up: 20 % on day 0, linear to 100 % at day 7; unknown linked_at = newly linked', () => {
    expect(limitsFor(c, inst({ linkedAt: new Date(now) }), now)).toEqual({ perMinute: 4, perDay: 40 })
    expect(warmupFactor(new Date(now - 3.5 * DAY), 7, 20, now)).toBeCloseTo(0.6)
    expect(limitsFor(c, inst({ linkedAt: new Date(now - 7 * DAY) }), now)).toEqual({ perMinute: 20, perDay: 200 })
    expect(limitsFor(c, inst({ linkedAt: null }), now)).toEqual({ perMinute: 4, perDay: 40 })
    expect(limitsFor(c, undefined, now)).toEqual({ perMinute: 4, perDay: 40 })
  })

  it('overrides win; 0 = unlimited stays unlimited under the ramp; warmup_days 0 = none', () => {
    expect(limitsFor(c, inst({ perMinute: 5, warmupDays: 0, linkedAt: new Date(now) }), now)).toEqual({ perMinute: 5, perDay: 200 })
    expect(limitsFor(c, inst({ perMinute: 0, newRecipientsPerDay: 0, linkedAt: new Date(now) }), now)).toEqual({ perMinute: 0, perDay: 0 })
    expect(limitsFor(c, inst({ perMinute: 1, linkedAt: new Date(now) }), now).perMinute).toBe(1) // never below 1
  })

  it('Cloud API instances are not budgeted unless configured or overridden', () => {
    expect(limitsFor(c, inst({ integration: 'WHATSAPP-BUSINESS' }), now)).toEqual({ perMinute: 0, perDay: 0 })
    expect(limitsFor({ ...c, SEND_BUDGET_CLOUD_API: true }, inst({ integration: 'WHATSAPP-BUSINESS' }), now)).toEqual({ perMinute: 20, perDay: 200 })
    expect(limitsFor(c, inst({ integration: 'WHATSAPP-BUSINESS', perMinute: 60 }), now).perMinute).toBe(60)
  })

  it('budgets off in config: nothing to count', () => {
    expect(limitsFor({ ...c, SEND_BUDGET_PER_MINUTE: 0, SEND_BUDGET_NEW_RECIPIENTS_PER_DAY: 0 }, inst({ linkedAt: null }), now)).toEqual({ perMinute: 0, perDay: 0 })
  })
})

/** The send-settings form's body (gateway/panel/src/lib/send-settings-form.ts): changed fields only, empty = null, bad text named. */
import { describe, expect, it } from 'vitest'
import { budgetText, changedFields, storedText, toDraft } from './send-settings-form.js'

const stored = { per_minute: 7, new_recipients_per_day: null, warmup_days: 0, send_mode: 'queue' as const }

describe('changedFields', () => {
  it('sends nothing when nothing changed', () => {
    expect(changedFields(toDraft(stored), stored)).toEqual({ ok: true, body: {} })
  })

  it('sends only the changed fields; an emptied field and "not set" mode as null', () => {
    const draft = { ...toDraft(stored), per_minute: '', new_recipients_per_day: ' 50 ', send_mode: '' as const }
    expect(changedFields(draft, stored)).toEqual({ ok: true, body: { per_minute: null, new_recipients_per_day: 50, send_mode: null } })
  })

  it('keeps 0 (unlimited, no warm-up) apart from empty (not set)', () => {
    const none = { per_minute: null, new_recipients_per_day: null, warmup_days: null, send_mode: null }
    expect(changedFields({ ...toDraft(none), per_minute: '0' }, none)).toEqual({ ok: true, body: { per_minute: 0 } })
  })

  it('names the field when the text is not a whole number 0 or more', () => {
    for (const bad of ['-1', 'abc', '1.5', '1e3']) {
      const r = changedFields({ ...toDraft(stored), warmup_days: bad }, stored)
      expect(r, bad).toMatchObject({ ok: false, field: 'warmup_days' })
      if (!r.ok) expect(r.error).toMatch(/^Warm-up days: type a whole number/)
    }
  })
})

describe('words', () => {
  it('0 reads unlimited (or no warm-up); null is not set', () => {
    expect(budgetText(0)).toBe('unlimited')
    expect(budgetText(12)).toBe('12')
    expect(storedText('warmup_days', 0)).toBe('no warm-up')
    expect(storedText('per_minute', null)).toBeNull()
    expect(storedText('send_mode', 'queue')).toBe('queue')
  })
})

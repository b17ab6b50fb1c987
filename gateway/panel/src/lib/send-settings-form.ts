/**
 * The send-settings form's fields, its drafts (the inputs' text) and the body a save sends: only the
 * fields that changed, an emptied field as null ("not set here"). Whole numbers 0 or more are checked
 * here so a typo is named before a request; the gateway keeps the upper bounds (its 400 becomes a toast).
 * Pure: unit-tested in send-settings-form.test.ts.
 */
import type { SendMode, SendSettingsBody, SendSettingsValues } from '../api/send-settings.js'

export type CountKey = 'per_minute' | 'new_recipients_per_day' | 'warmup_days'

/** The three numbers, in the form's order, with what 0 means for each and the gateway's upper bound. */
export const COUNT_FIELDS: readonly { key: CountKey; label: string; zero: string; max: number }[] = [
  { key: 'per_minute', label: 'Sends per minute', zero: 'unlimited', max: 100_000 },
  { key: 'new_recipients_per_day', label: 'New recipients per day', zero: 'unlimited', max: 10_000_000 },
  { key: 'warmup_days', label: 'Warm-up days', zero: 'no warm-up', max: 365 },
]

/** What the inputs hold: digits or '' for the numbers, '' | 'sync' | 'queue' for the mode. */
export type SendSettingsDraft = Record<CountKey, string> & { send_mode: '' | SendMode }

export function toDraft(v: SendSettingsValues): SendSettingsDraft {
  const text = (n: number | null) => (n === null ? '' : String(n))
  return { per_minute: text(v.per_minute), new_recipients_per_day: text(v.new_recipients_per_day), warmup_days: text(v.warmup_days), send_mode: v.send_mode ?? '' }
}

/** The body for the fields that differ from `stored`, or the first field that is not a whole number. */
export function changedFields(draft: SendSettingsDraft, stored: SendSettingsValues): { ok: true; body: SendSettingsBody } | { ok: false; field: CountKey; error: string } {
  const body: SendSettingsBody = {}
  for (const f of COUNT_FIELDS) {
    const text = draft[f.key].trim()
    if (text !== '' && !/^\d+$/.test(text)) {
      return { ok: false, field: f.key, error: `${f.label}: type a whole number, 0 or more (0 = ${f.zero}), or leave it empty for "not set"` }
    }
    const value = text === '' ? null : Number(text)
    if (value !== stored[f.key]) body[f.key] = value
  }
  const mode = draft.send_mode === '' ? null : draft.send_mode
  if (mode !== stored.send_mode) body.send_mode = mode
  return { ok: true, body }
}

/** A budget as the panel writes it: 0 is unlimited. */
export const budgetText = (n: number): string => (n === 0 ? 'unlimited' : String(n))

/** A stored field in words, for the "what applies when empty" hints and the instances list. */
export function storedText(key: CountKey | 'send_mode', v: number | string | null): string | null {
  if (v === null) return null
  if (key === 'send_mode') return String(v)
  if (v === 0) return COUNT_FIELDS.find((f) => f.key === key)!.zero
  return String(v)
}

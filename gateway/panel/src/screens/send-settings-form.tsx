/**
 * The send-settings form shared by an instance's card and a user's window (admin only): three budgets
 * and the default send mode. An empty field is "not set" at this level; its hint says what applies
 * instead (the owner's value, or the default). Save sends only what changed (lib/send-settings-form).
 */
import { useEffect, useState } from 'preact/hooks'
import { errorText } from '../api/client.js'
import type { SendSettingsBody, SendSettingsValues } from '../api/send-settings.js'
import { Field, Select, Submit } from '../components/fields.js'
import { toast } from '../components/toast.js'
import { changedFields, COUNT_FIELDS, toDraft, type CountKey, type SendSettingsDraft } from '../lib/send-settings-form.js'

/** Per field, what applies when it is left empty, in words ("the owner's 10", "the default"). */
export type Fallbacks = Record<CountKey | 'send_mode', string>

export function SendSettingsForm(props: { stored: SendSettingsValues; fallbacks: Fallbacks; onSave: (body: SendSettingsBody) => Promise<void>; testid: string }) {
  const [draft, setDraft] = useState<SendSettingsDraft>(() => toDraft(props.stored))
  const [problem, setProblem] = useState<string | null>(null)
  const [busy, setBusy] = useState(false)
  // A saved answer (or a reload) is the new starting point; by value, so a parent's re-render keeps what is typed.
  const { per_minute, new_recipients_per_day, warmup_days, send_mode } = props.stored
  useEffect(() => setDraft(toDraft(props.stored)), [per_minute, new_recipients_per_day, warmup_days, send_mode])
  const set = (k: keyof SendSettingsDraft) => (v: string) => setDraft({ ...draft, [k]: v })

  const save = async (e: Event) => {
    e.preventDefault()
    const r = changedFields(draft, props.stored)
    if (!r.ok) return setProblem(r.error)
    setProblem(null)
    if (Object.keys(r.body).length === 0) return toast.info('Nothing to save: no field changed')
    setBusy(true)
    try {
      await props.onSave(r.body)
      toast.ok('Send settings saved')
    } catch (err) {
      toast.err(`Send settings not saved: ${errorText(err)}`)
    } finally {
      setBusy(false)
    }
  }

  return (
    <form class="stack" onSubmit={save} data-testid={props.testid} noValidate>
      <div class="row">
        {COUNT_FIELDS.map((f) => (
          <CountField key={f.key} field={f} text={draft[f.key]} onInput={set(f.key)} fallback={props.fallbacks[f.key]} />
        ))}
        <Select
          label="Default send mode"
          name="send_mode"
          value={draft.send_mode}
          onChange={set('send_mode')}
          testid="ss-send_mode"
          options={[
            { value: '', label: 'Not set' },
            { value: 'sync', label: 'sync: wait for WhatsApp' },
            { value: 'queue', label: 'queue: send in order' },
          ]}
          hint={`Not set: ${props.fallbacks.send_mode} applies. A send's own header still wins.`}
        />
      </div>
      {problem && (
        <p class="form-error" role="alert" data-testid="ss-error">
          {problem}
        </p>
      )}
      <div>
        <Submit busy={busy} testid="ss-save">
          Save send settings
        </Submit>
      </div>
    </form>
  )
}

/** One budget: a text box (no browser number checks, so -1 or text reach the form's own message). */
function CountField(props: { field: (typeof COUNT_FIELDS)[number]; text: string; onInput: (v: string) => void; fallback: string }) {
  const f = props.field
  const hint = `Empty: ${props.fallback} applies. 0 = ${f.zero}, at most ${f.max.toLocaleString('en')}.`
  return <Field label={f.label} name={f.key} inputMode="numeric" placeholder="not set" value={props.text} onInput={props.onInput} testid={`ss-${f.key}`} hint={hint} />
}

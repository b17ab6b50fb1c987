/**
 * The instance screen's "Send settings" card, for admins only (the routes are admin-only): the
 * instance's own pacing budgets and default send mode, what applies when a field is empty (its owner's
 * value, else the default), and what applies right now (after the warm-up and the Cloud API exemption).
 * docs/delivery-guarantees.md#per-user-and-per-instance-settings-admin says what each field does.
 */
import { useState } from 'preact/hooks'
import { sendSettingsApi, type InstanceSendSettings, type SendSettingsBody, type SendSettingsValues } from '../api/send-settings.js'
import { fmtDate } from '../lib/format.js'
import { CLOUD_API } from '../lib/instance-rules.js'
import { budgetText, storedText } from '../lib/send-settings-form.js'
import { useLoad } from '../lib/use-load.js'
import { SendSettingsForm, type Fallbacks } from './send-settings-form.js'

const stored = (s: SendSettingsValues): SendSettingsValues => ({
  per_minute: s.per_minute,
  new_recipients_per_day: s.new_recipients_per_day,
  warmup_days: s.warmup_days,
  send_mode: s.send_mode,
})

/** An instance's empty field falls back to its owner's value, else to the default. */
function ownerFallbacks(owner: SendSettingsValues): Fallbacks {
  const say = (key: keyof Fallbacks) => {
    const v = storedText(key, owner[key])
    return v === null ? 'the default' : `the owner's ${v}`
  }
  return { per_minute: say('per_minute'), new_recipients_per_day: say('new_recipients_per_day'), warmup_days: say('warmup_days'), send_mode: say('send_mode') }
}

export function SendSettingsCard(props: { name: string }) {
  const load = useLoad(() => sendSettingsApi.instance(props.name), [props.name])
  // The PUT answers like the GET: its answer replaces the loaded one without a second request.
  const [saved, setSaved] = useState<InstanceSendSettings | null>(null)
  const s = saved?.instance === props.name ? saved : load.data
  if (!s) return <div class="card muted" data-testid="send-settings-card">{load.error ? 'Send settings are not available.' : 'Loading the send settings…'}</div>

  const save = async (body: SendSettingsBody) => setSaved(await sendSettingsApi.saveInstance(props.name, body))

  return (
    <div class="card stack" data-testid="send-settings-card">
      <h2>Send settings</h2>
      <p class="muted small">
        This instance's pacing budgets and default send mode (admins only). An empty field is not set here.
      </p>
      <SendSettingsForm stored={stored(s)} fallbacks={ownerFallbacks(s.owner)} onSave={save} testid="instance-send-settings" />
      <h3>Applies now</h3>
      <dl class="facts" data-testid="ss-effective">
        <dt>Sends per minute</dt>
        <dd data-testid="ss-effective-per_minute">{budgetText(s.effective.per_minute)}</dd>
        <dt>New recipients per day</dt>
        <dd data-testid="ss-effective-new_recipients_per_day">{budgetText(s.effective.new_recipients_per_day)}</dd>
        <dt>Send mode</dt>
        <dd data-testid="ss-effective-send_mode">{s.effective.send_mode}</dd>
        <dt>Linked</dt>
        <dd>{s.linked_at ? `${fmtDate(s.linked_at)} (the warm-up counts from here)` : 'not yet seen connected (counts as newly linked)'}</dd>
        {s.integration === CLOUD_API && (
          <>
            <dt>Cloud API</dt>
            <dd>Meta paces it: budgeted only when a budget is set here, by its owner, or with SEND_BUDGET_CLOUD_API</dd>
          </>
        )}
      </dl>
    </div>
  )
}

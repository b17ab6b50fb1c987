/**
 * The create-instance form: a name and the integration, WhatsApp Web (Baileys, the default: linked by
 * QR or pairing code) or WhatsApp Cloud API (Meta: access token, phone number id, business account id).
 * The checks of lib/instance-rules.ts run before the request; the token field is a password field and
 * is cleared once sent.
 */
import { useState } from 'preact/hooks'
import { instancesApi } from '../api/instances.js'
import { Field, Select, Submit } from '../components/fields.js'
import { toast } from '../components/toast.js'
import { BAILEYS, buildCreateBody, CLOUD_API, type CreateInput, type Integration } from '../lib/instance-rules.js'

const EMPTY: CreateInput = { name: '', integration: BAILEYS, token: '', number: '', businessId: '' }

export function CreateInstanceForm(props: { onCreated: (name: string, integration: Integration) => void }) {
  const [form, setForm] = useState<CreateInput>(EMPTY)
  const [error, setError] = useState<{ field: keyof CreateInput; text: string } | null>(null)
  const [busy, setBusy] = useState(false)
  const set = (k: keyof CreateInput) => (v: string) => {
    setForm({ ...form, [k]: v })
    if (error?.field === k) setError(null)
  }
  const cloud = form.integration === CLOUD_API
  const hint = (k: keyof CreateInput) => (error?.field === k ? <span class="field-error" data-testid="create-error">{error.text}</span> : undefined)

  const submit = async (e: Event) => {
    e.preventDefault()
    const checked = buildCreateBody(form)
    if (!checked.ok) return setError({ field: checked.field, text: checked.error })
    setBusy(true)
    try {
      await instancesApi.create(checked.body)
      toast.ok(`Instance ${checked.body.instanceName} created`)
      setForm({ ...EMPTY, integration: form.integration })
      props.onCreated(checked.body.instanceName, checked.body.integration)
    } catch (err) {
      toast.err(err)
    } finally {
      setBusy(false)
    }
  }

  return (
    <form class="card create-instance" onSubmit={submit} aria-label="Create instance" data-testid="create-instance-form" noValidate>
      <div class="inline-form">
        <Field label="New instance name" name="instanceName" required maxLength={100} title="Letters, digits, - and _; starts with a letter or digit" value={form.name} onInput={set('name')} placeholder="sales-team" hint={hint('name')} />
        <Select
          label="Integration"
          name="integration"
          value={form.integration}
          onChange={(v) => setForm({ ...form, integration: v === CLOUD_API ? CLOUD_API : BAILEYS })}
          options={[
            { value: BAILEYS, label: 'WhatsApp Web (Baileys): link a phone' },
            { value: CLOUD_API, label: 'WhatsApp Cloud API (Meta)' },
          ]}
        />
        {!cloud && <Submit busy={busy} testid="create-instance">Create instance</Submit>}
      </div>
      {cloud && (
        <>
          <p class="muted small">From Meta's app dashboard, WhatsApp → API Setup. The token is stored by the gateway and never shown again.</p>
          <div class="inline-form">
            <Field label="Access token" name="token" type="password" autoComplete="off" required value={form.token} onInput={set('token')} placeholder="EAAG…" hint={hint('token')} />
            <Field label="Phone number id" name="number" inputMode="numeric" required value={form.number} onInput={set('number')} placeholder="106540352242922" hint={hint('number') ?? 'The id Meta shows for the number, not the phone number.'} />
            <Field label="Business account id (WABA)" name="businessId" inputMode="numeric" value={form.businessId} onInput={set('businessId')} placeholder="2200000000000" hint={hint('businessId') ?? 'Optional.'} />
            <Submit busy={busy} testid="create-instance">Create instance</Submit>
          </div>
        </>
      )}
    </form>
  )
}

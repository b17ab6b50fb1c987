/**
 * Webhooks: create (the signing secret is shown once), edit URL/events/active, delete; sync state and last
 * error; the delivery log with dead-letter replay (./webhook-deliveries.tsx); a webhook disabled for failing
 * shows why and an Enable button.
 */
import { useState } from 'preact/hooks'
import { WEBHOOK_EVENTS, webhooksApi, type Webhook, type WebhookEvent } from '../api/webhooks.js'
import { Badge } from '../components/badge.js'
import { Check, Field, Submit } from '../components/fields.js'
import { confirm, Modal } from '../components/modal.js'
import { PageHead } from '../components/page.js'
import { Table } from '../components/table.js'
import { toast } from '../components/toast.js'
import { useLoad } from '../lib/use-load.js'
import { InstancePicker } from './instance-picker.js'
import { DeliveriesModal } from './webhook-deliveries.js'
import type { ScreenProps } from './screen-props.js'

const COMMON: WebhookEvent[] = ['MESSAGES_UPSERT', 'MESSAGES_UPDATE', 'CONNECTION_UPDATE', 'QRCODE_UPDATED', 'SEND_MESSAGE']

function EventPicker(props: { value: WebhookEvent[]; onChange: (v: WebhookEvent[]) => void }) {
  const [all, setAll] = useState(props.value.some((e) => !COMMON.includes(e)))
  const list = all ? [...WEBHOOK_EVENTS] : COMMON
  const toggle = (e: WebhookEvent, on: boolean) => props.onChange(on ? [...props.value, e] : props.value.filter((x) => x !== e))
  return (
    <fieldset class="events">
      <legend>Events (none = all)</legend>
      <div class="checks">
        {list.map((e) => <Check key={e} label={e} checked={props.value.includes(e)} onChange={(on) => toggle(e, on)} />)}
      </div>
      <button type="button" class="link" onClick={() => setAll(!all)}>{all ? 'Show common events only' : 'Show all events'}</button>
    </fieldset>
  )
}

function syncState(w: Webhook): { value: string; label: string } {
  if (w.disabled_at) return { value: 'failed', label: 'disabled' }
  if (w.sync_state) return { value: w.sync_state, label: w.sync_state }
  if (!w.is_active) return { value: 'inactive', label: 'inactive' }
  if (w.needs_sync) return { value: 'pending', label: 'sync pending' }
  if (w.last_error) return { value: 'error', label: 'error' }
  return { value: 'synced', label: 'synced' }
}

function EditModal(props: { hook: Webhook; onClose: () => void; onSaved: () => void }) {
  const [url, setUrl] = useState(props.hook.webhook_url)
  // A webhook created through the API may hold names update refuses: they are sent back as they are and
  // the server answers `Invalid event: <name>`, as it always did.
  const [events, setEvents] = useState<WebhookEvent[]>((props.hook.events ?? []) as WebhookEvent[])
  const [active, setActive] = useState(props.hook.is_active)
  const [busy, setBusy] = useState(false)
  const save = async (e: Event) => {
    e.preventDefault()
    setBusy(true)
    try {
      await webhooksApi.update(props.hook.id, { webhook_url: url.trim(), events, is_active: active })
      toast.ok('Webhook saved')
      props.onSaved()
    } catch (err) {
      toast.err(err)
    } finally {
      setBusy(false)
    }
  }
  return (
    <Modal title={`Webhook for ${props.hook.instance_name}`} onClose={props.onClose} wide>
      <form class="stack" onSubmit={save}>
        <Field label="URL" type="url" required value={url} onInput={setUrl} />
        <EventPicker value={events} onChange={setEvents} />
        <Check label="Active" checked={active} onChange={setActive} />
        <Submit busy={busy}>Save</Submit>
      </form>
    </Modal>
  )
}

export function WebhooksScreen(_: ScreenProps) {
  const { data, reload } = useLoad(() => webhooksApi.list().then((r) => r.webhooks))
  const [instance, setInstance] = useState('')
  const [url, setUrl] = useState('')
  const [events, setEvents] = useState<WebhookEvent[]>(['MESSAGES_UPSERT'])
  const [busy, setBusy] = useState(false)
  const [secret, setSecret] = useState<string | null>(null)
  const [editing, setEditing] = useState<Webhook | null>(null)
  const [logOf, setLogOf] = useState<Webhook | null>(null)

  const create = async (e: Event) => {
    e.preventDefault()
    setBusy(true)
    try {
      const r = await webhooksApi.create({ instance_name: instance, webhook_url: url.trim(), events })
      toast.ok('Webhook created')
      setUrl('')
      const s = r.secret ?? r.signing_secret ?? r.webhook.secret ?? r.webhook.signing_secret ?? null
      if (s) setSecret(s)
      void reload()
    } catch (err) {
      toast.err(err)
    } finally {
      setBusy(false)
    }
  }
  const remove = async (w: Webhook) => {
    if (!(await confirm(`Delete the webhook of ${w.instance_name}?`, 'Delete'))) return
    await webhooksApi.remove(w.id).then(() => (toast.ok('Webhook deleted'), reload()), toast.err)
  }
  const enable = async (w: Webhook) => {
    await webhooksApi.enable(w.id).then(() => (toast.ok('Webhook enabled'), reload()), toast.err)
  }

  return (
    <section>
      <PageHead title="Webhooks" sub="One webhook per instance: the gateway forwards its WhatsApp events to your URL." />
      <form class="card stack" onSubmit={create} aria-label="Create webhook">
        <div class="row">
          <InstancePicker value={instance} onChange={setInstance} />
          <Field label="URL" type="url" required placeholder="https://example.com/hooks/whatsapp" value={url} onInput={setUrl} />
        </div>
        <EventPicker value={events} onChange={setEvents} />
        <div><Submit busy={busy}>Create webhook</Submit></div>
      </form>
      <Table
        rows={data}
        rowKey={(w) => w.id}
        empty="No webhooks yet."
        columns={[
          { label: 'Instance', cell: (w) => w.instance_name },
          { label: 'URL', cell: (w) => <span class="truncate" title={w.webhook_url}>{w.webhook_url}</span> },
          { label: 'Events', cell: (w) => (w.events?.length ? w.events.map((e) => <Badge key={e} value={e} tone="info" />) : <Badge value="all" tone="muted" />) },
          { label: 'Sync', cell: (w) => { const s = syncState(w); return <Badge value={s.value} label={s.label} /> } },
          {
            label: 'Last error',
            cell: (w) =>
              w.disabled_reason ? (
                <span class="truncate" data-testid="webhook-disabled-reason" title={w.disabled_reason}>{w.disabled_reason}</span>
              ) : (
                <span class="truncate" title={w.last_error ?? ''}>{w.last_error ?? '-'}</span>
              ),
          },
          {
            label: 'Actions',
            cell: (w) => (
              <div class="actions">
                {w.disabled_at && <button type="button" class="btn btn-sm btn-primary" onClick={() => enable(w)}>Enable</button>}
                <button type="button" class="btn btn-sm" onClick={() => setLogOf(w)}>Deliveries</button>
                <button type="button" class="btn btn-sm" onClick={() => setEditing(w)}>Edit</button>
                <button type="button" class="btn btn-sm btn-danger" onClick={() => remove(w)}>Delete</button>
              </div>
            ),
          },
        ]}
      />
      {logOf && <DeliveriesModal hook={data?.find((w) => w.id === logOf.id) ?? logOf} onClose={() => setLogOf(null)} />}
      {editing && <EditModal hook={editing} onClose={() => setEditing(null)} onSaved={() => (setEditing(null), void reload())} />}
      {secret && (
        <Modal title="Signing secret" onClose={() => setSecret(null)}>
          <p>Each delivery is signed with this secret. Copy it now: it is not shown again.</p>
          <p class="secret"><code data-testid="webhook-secret">{secret}</code></p>
          <button type="button" class="btn" onClick={() => navigator.clipboard?.writeText(secret).then(() => toast.ok('Copied'), toast.err)}>Copy</button>
        </Modal>
      )}
    </section>
  )
}

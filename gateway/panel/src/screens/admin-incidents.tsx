/** Incidents: create (with affected services), timeline updates, resolve, delete. Shown on /status/. */
import { useState } from 'preact/hooks'
import { adminApi, type Incident, type IncidentUpdate, type NewIncident } from '../api/admin.js'
import { Badge } from '../components/badge.js'
import { Field, Select, Submit } from '../components/fields.js'
import { confirm, Modal } from '../components/modal.js'
import { PageHead } from '../components/page.js'
import { Empty, Loading } from '../components/table.js'
import { toast } from '../components/toast.js'
import { fmtDate } from '../lib/format.js'
import { useLoad } from '../lib/use-load.js'
import type { ScreenProps } from './screen-props.js'
import { ServicePicker } from './service-picker.js'

// Typed with the server's enums (generated from its schemas): a value it would refuse does not compile.
const SEVERITIES: NewIncident['severity'][] = ['minor', 'major', 'critical']
const STATUSES: IncidentUpdate['status'][] = ['investigating', 'identified', 'monitoring', 'resolved']
type Status = IncidentUpdate['status']

function CreateForm(props: { onCreated: () => void }) {
  const [f, setF] = useState<{ title: string; severity: NewIncident['severity']; status: Status; message: string }>({ title: '', severity: 'minor', status: 'investigating', message: '' })
  const [services, setServices] = useState<number[]>([])
  const [busy, setBusy] = useState(false)
  const set = (k: keyof typeof f) => (v: string) => setF({ ...f, [k]: v })
  const submit = async (e: Event) => {
    e.preventDefault()
    if (services.length === 0) return toast.err('Choose at least one affected service: the status page shows the incident on it.')
    setBusy(true)
    try {
      await adminApi.createIncident({ ...f, title: f.title.trim(), service_ids: services })
      toast.ok('Incident created; it shows on the status page')
      setF({ title: '', severity: 'minor', status: 'investigating', message: '' })
      setServices([])
      props.onCreated()
    } catch (err) {
      toast.err(err)
    } finally {
      setBusy(false)
    }
  }
  return (
    <form class="card stack" onSubmit={submit} aria-label="Create incident" data-testid="incident-form">
      <h2>New incident</h2>
      <div class="row">
        <Field label="Title" name="title" required maxLength={255} value={f.title} onInput={set('title')} />
        <Select label="Severity" name="severity" value={f.severity} onChange={set('severity')} options={SEVERITIES} />
        <Select label="Status" name="status" value={f.status} onChange={set('status')} options={STATUSES.slice(0, 2)} />
      </div>
      <Field label="First update" name="message" required value={f.message} onInput={set('message')} />
      <ServicePicker value={services} onChange={setServices} />
      <div><Submit busy={busy} testid="create-incident">Create incident</Submit></div>
    </form>
  )
}

function UpdateModal(props: { incident: Incident; onClose: () => void; onSaved: () => void }) {
  const [status, setStatus] = useState(props.incident.status as Status)
  const [message, setMessage] = useState('')
  const [busy, setBusy] = useState(false)
  const save = async (e: Event) => {
    e.preventDefault()
    setBusy(true)
    try {
      await adminApi.addUpdate(props.incident.id, status, message)
      toast.ok(status === 'resolved' ? 'Incident resolved' : 'Update posted')
      props.onSaved()
    } catch (err) {
      toast.err(err)
    } finally {
      setBusy(false)
    }
  }
  return (
    <Modal title={`Update: ${props.incident.title}`} onClose={props.onClose}>
      <form class="stack" onSubmit={save}>
        <Select label="Status" value={status} onChange={(v) => setStatus(v as Status)} options={STATUSES} />
        <Field label="Message" required value={message} onInput={setMessage} />
        <Submit busy={busy}>Post update</Submit>
      </form>
    </Modal>
  )
}

function IncidentCard(props: { i: Incident; onUpdate: () => void; onResolve: () => void; onDelete: () => void }) {
  const i = props.i
  return (
    <article class="card incident" data-testid="incident">
      <header class="card-head">
        <h3>{i.title}</h3>
        <span><Badge value={i.severity} /> <Badge value={i.status} /></span>
      </header>
      <div class="tags">{(i.affected_services ?? []).map((s) => <span class="tag" key={s.name}>{s.name}</span>)}</div>
      <ol class="timeline">
        {(i.updates ?? []).map((u, n) => (
          <li key={u.id ?? n}>
            <Badge value={u.status} /> {u.message} <span class="muted small">{fmtDate(u.created_at)}{u.created_by_name ? ` · ${u.created_by_name}` : ''}</span>
          </li>
        ))}
      </ol>
      <div class="actions">
        {i.status !== 'resolved' && <button type="button" class="btn btn-sm" onClick={props.onUpdate}>Add update</button>}
        {i.status !== 'resolved' && <button type="button" class="btn btn-sm btn-primary" onClick={props.onResolve}>Resolve</button>}
        <button type="button" class="btn btn-sm btn-danger" onClick={props.onDelete}>Delete</button>
      </div>
    </article>
  )
}

export function AdminIncidentsScreen(_: ScreenProps) {
  const { data, reload } = useLoad(() => adminApi.incidents().then((r) => r.incidents))
  const [updating, setUpdating] = useState<Incident | null>(null)
  const resolve = async (i: Incident) => {
    if (!(await confirm(`Mark "${i.title}" as resolved?`, 'Resolve', false))) return
    await adminApi.addUpdate(i.id, 'resolved', 'This incident has been resolved.').then(() => (toast.ok('Incident resolved'), reload()), toast.err)
  }
  const remove = async (i: Incident) => {
    if (!(await confirm(`Delete the incident "${i.title}" and its timeline?`, 'Delete'))) return
    await adminApi.deleteIncident(i.id).then(() => (toast.ok('Incident deleted'), reload()), toast.err)
  }
  const active = (data ?? []).filter((i) => i.status !== 'resolved')
  const resolved = (data ?? []).filter((i) => i.status === 'resolved')
  const card = (i: Incident) => <IncidentCard key={i.id} i={i} onUpdate={() => setUpdating(i)} onResolve={() => resolve(i)} onDelete={() => remove(i)} />
  return (
    <section>
      <PageHead title="Incidents" sub={<>Shown on the public <a href="/status/" target="_blank" rel="noopener">status page</a>.</>} />
      <CreateForm onCreated={() => void reload()} />
      {data === null ? <Loading /> : (
        <>
          <h2>Active ({active.length})</h2>
          {active.length === 0 ? <Empty text="No active incidents." /> : active.map(card)}
          <details>
            <summary><h2 class="inline-h">Resolved ({resolved.length})</h2></summary>
            {resolved.map(card)}
          </details>
        </>
      )}
      {updating && <UpdateModal incident={updating} onClose={() => setUpdating(null)} onSaved={() => (setUpdating(null), void reload())} />}
    </section>
  )
}

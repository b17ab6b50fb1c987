/** Scheduled maintenance: create, start, complete, delete. */
import { useState } from 'preact/hooks'
import { adminApi, type Maintenance } from '../api/admin.js'
import { Badge } from '../components/badge.js'
import { Field, Submit } from '../components/fields.js'
import { confirm } from '../components/modal.js'
import { PageHead } from '../components/page.js'
import { Empty, Loading } from '../components/table.js'
import { toast } from '../components/toast.js'
import { fmtDate, localInputValue } from '../lib/format.js'
import { useLoad } from '../lib/use-load.js'
import type { ScreenProps } from './screen-props.js'
import { ServicePicker } from './service-picker.js'

function CreateForm(props: { onCreated: () => void }) {
  const hour = 3600_000
  const [f, setF] = useState({ title: '', description: '', start: localInputValue(new Date(Date.now() + hour)), end: localInputValue(new Date(Date.now() + 2 * hour)) })
  const [services, setServices] = useState<number[]>([])
  const [busy, setBusy] = useState(false)
  const set = (k: keyof typeof f) => (v: string) => setF({ ...f, [k]: v })
  const submit = async (e: Event) => {
    e.preventDefault()
    if (new Date(f.end) <= new Date(f.start)) return toast.err('The end must be after the start')
    setBusy(true)
    try {
      await adminApi.createMaintenance({ title: f.title.trim(), description: f.description, scheduled_start: new Date(f.start).toISOString(), scheduled_end: new Date(f.end).toISOString(), service_ids: services })
      toast.ok('Maintenance scheduled')
      setF({ ...f, title: '', description: '' })
      props.onCreated()
    } catch (err) {
      toast.err(err)
    } finally {
      setBusy(false)
    }
  }
  return (
    <form class="card stack" onSubmit={submit} aria-label="Schedule maintenance">
      <h2>Schedule maintenance</h2>
      <div class="row">
        <Field label="Title" required maxLength={255} value={f.title} onInput={set('title')} />
        <Field label="Start (local time)" type="datetime-local" required value={f.start} onInput={set('start')} />
        <Field label="End (local time)" type="datetime-local" required value={f.end} onInput={set('end')} />
      </div>
      <Field label="Description" value={f.description} onInput={set('description')} />
      <ServicePicker value={services} onChange={setServices} />
      <div><Submit busy={busy}>Schedule</Submit></div>
    </form>
  )
}

export function AdminMaintenanceScreen(_: ScreenProps) {
  const { data, reload } = useLoad(() => adminApi.maintenances().then((r) => r.maintenances))
  const act = async (m: Maintenance, what: 'in_progress' | 'completed' | 'delete') => {
    if (what === 'delete' && !(await confirm(`Delete the maintenance "${m.title}"?`, 'Delete'))) return
    try {
      await (what === 'delete' ? adminApi.deleteMaintenance(m.id) : adminApi.updateMaintenance(m.id, { status: what }))
      toast.ok(what === 'delete' ? 'Deleted' : what === 'in_progress' ? 'Maintenance started' : 'Maintenance completed')
      void reload()
    } catch (e) {
      toast.err(e)
    }
  }
  return (
    <section>
      <PageHead title="Maintenance" sub="Announced on the public status page." />
      <CreateForm onCreated={() => void reload()} />
      {data === null ? <Loading /> : data.length === 0 ? <Empty text="No maintenance scheduled." /> : (
        <div class="grid">
          {data.map((m) => (
            <article class="card" key={m.id}>
              <header class="card-head"><h3>{m.title}</h3><Badge value={m.status} /></header>
              {m.description && <p>{m.description}</p>}
              <p class="small">{fmtDate(m.scheduled_start)} — {fmtDate(m.scheduled_end)}</p>
              <div class="tags">{(m.affected_services ?? []).map((s) => <span class="tag" key={s.name}>{s.name}</span>)}</div>
              <div class="actions">
                {m.status === 'scheduled' && <button type="button" class="btn btn-sm" onClick={() => act(m, 'in_progress')}>Start</button>}
                {m.status === 'in_progress' && <button type="button" class="btn btn-sm btn-primary" onClick={() => act(m, 'completed')}>Complete</button>}
                <button type="button" class="btn btn-sm btn-danger" onClick={() => act(m, 'delete')}>Delete</button>
              </div>
            </article>
          ))}
        </div>
      )}
    </section>
  )
}

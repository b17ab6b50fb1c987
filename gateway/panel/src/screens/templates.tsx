/** Message templates: create, edit in a modal, delete. */
import { useState } from 'preact/hooks'
import { templatesApi, type Template } from '../api/templates.js'
import { Field, MessageEditor, Submit } from '../components/fields.js'
import { confirm, Modal } from '../components/modal.js'
import { PageHead } from '../components/page.js'
import { Empty, Loading } from '../components/table.js'
import { toast } from '../components/toast.js'
import { fmtDate } from '../lib/format.js'
import { useLoad } from '../lib/use-load.js'
import type { ScreenProps } from './screen-props.js'

function TemplateForm(props: { initial?: Template; onSaved: () => void }) {
  const [name, setName] = useState(props.initial?.name ?? '')
  const [content, setContent] = useState(props.initial?.content ?? '')
  const [busy, setBusy] = useState(false)
  const save = async (e: Event) => {
    e.preventDefault()
    setBusy(true)
    try {
      if (props.initial) await templatesApi.update(props.initial.id, name, content)
      else await templatesApi.create(name, content)
      toast.ok(props.initial ? 'Template saved' : 'Template created')
      if (!props.initial) (setName(''), setContent(''))
      props.onSaved()
    } catch (err) {
      toast.err(err)
    } finally {
      setBusy(false)
    }
  }
  return (
    <form class="stack" onSubmit={save}>
      <Field label="Name" required maxLength={100} value={name} onInput={setName} />
      <MessageEditor label="Content" required value={content} onInput={setContent} rows={5} />
      <div>
        <Submit busy={busy}>{props.initial ? 'Save' : 'Create template'}</Submit>
      </div>
    </form>
  )
}

export function TemplatesScreen(_: ScreenProps) {
  const { data, reload } = useLoad(() => templatesApi.list().then((r) => r.templates))
  const [editing, setEditing] = useState<Template | null>(null)
  const remove = async (t: Template) => {
    if (!(await confirm(`Delete the template "${t.name}"?`, 'Delete'))) return
    try {
      await templatesApi.remove(t.id)
      toast.ok('Template deleted')
      void reload()
    } catch (e) {
      toast.err(e)
    }
  }
  return (
    <section>
      <PageHead title="Templates" sub="Reusable message texts; insert them from the message editor." />
      <div class="card">
        <h2>New template</h2>
        <TemplateForm onSaved={() => void reload()} />
      </div>
      {data === null ? (
        <Loading />
      ) : data.length === 0 ? (
        <Empty text="No templates yet." />
      ) : (
        <div class="grid">
          {data.map((t) => (
            <article key={t.id} class="card">
              <h3>{t.name}</h3>
              <p class="pre">{t.content}</p>
              <p class="muted small">Updated {fmtDate(t.updated_at)}</p>
              <div class="actions">
                <button type="button" class="btn btn-sm" onClick={() => setEditing(t)}>
                  Edit
                </button>
                <button type="button" class="btn btn-sm btn-danger" onClick={() => remove(t)}>
                  Delete
                </button>
              </div>
            </article>
          ))}
        </div>
      )}
      {editing && (
        <Modal title={`Edit ${editing.name}`} onClose={() => setEditing(null)}>
          <TemplateForm initial={editing} onSaved={() => (setEditing(null), void reload())} />
        </Modal>
      )}
    </section>
  )
}

/** Contact lists: create, rename, delete; a list's numbers, CSV import with a per-row report, CSV export. */
import { useState } from 'preact/hooks'
import { ApiFailure } from '../api/client.js'
import { contactsApi, type ImportReport } from '../api/contacts.js'
import { Field, Submit } from '../components/fields.js'
import { confirm, Modal } from '../components/modal.js'
import { PageHead } from '../components/page.js'
import { Empty, Loading, Table } from '../components/table.js'
import { toast } from '../components/toast.js'
import { fmtDate } from '../lib/format.js'
import { useLoad } from '../lib/use-load.js'
import { navigate } from '../router/index.js'
import type { ScreenProps } from './screen-props.js'

export function ContactsScreen(_: ScreenProps) {
  const { data, reload } = useLoad(() => contactsApi.lists().then((r) => r.lists))
  const [name, setName] = useState('')
  const [busy, setBusy] = useState(false)
  const [renaming, setRenaming] = useState<{ id: number; name: string } | null>(null)

  const create = async (e: Event) => {
    e.preventDefault()
    setBusy(true)
    try {
      const r = await contactsApi.create(name.trim())
      toast.ok('List created')
      setName('')
      navigate(`/contacts/${r.list.id}`)
    } catch (err) {
      toast.err(err)
    } finally {
      setBusy(false)
    }
  }
  const act = async (fn: () => Promise<unknown>, ok: string) => {
    try {
      await fn()
      toast.ok(ok)
      void reload()
    } catch (e) {
      toast.err(e)
    }
  }

  return (
    <section>
      <PageHead title="Contacts" sub="Lists of numbers for bulk and scheduled sends." />
      <form class="card inline-form" onSubmit={create}>
        <Field label="New list name" required maxLength={100} value={name} onInput={setName} />
        <Submit busy={busy}>Create list</Submit>
      </form>
      <Table
        rows={data}
        rowKey={(l) => l.id}
        empty="No contact lists yet."
        columns={[
          { label: 'Name', cell: (l) => <a href={`#/contacts/${l.id}`}>{l.name}</a> },
          { label: 'Numbers', cell: (l) => l.item_count ?? 0 },
          { label: 'Updated', cell: (l) => fmtDate(l.updated_at) },
          {
            label: 'Actions',
            cell: (l) => (
              <div class="actions">
                <a class="btn btn-sm" href={`#/contacts/${l.id}`}>Open</a>
                <button type="button" class="btn btn-sm" onClick={() => setRenaming({ id: l.id, name: l.name })}>Rename</button>
                <button type="button" class="btn btn-sm" onClick={() => act(() => contactsApi.exportCsv(l.id, l.name), 'Export downloaded')}>Export CSV</button>
                <button type="button" class="btn btn-sm btn-danger" onClick={async () => (await confirm(`Delete the list "${l.name}" and its numbers?`, 'Delete')) && act(() => contactsApi.remove(l.id), 'List deleted')}>Delete</button>
              </div>
            ),
          },
        ]}
      />
      {renaming && (
        <Modal title="Rename list" onClose={() => setRenaming(null)}>
          <form class="stack" onSubmit={(e) => (e.preventDefault(), act(() => contactsApi.rename(renaming.id, renaming.name.trim()), 'List renamed').then(() => setRenaming(null)))}>
            <Field label="Name" required maxLength={100} value={renaming.name} onInput={(v) => setRenaming({ ...renaming, name: v })} />
            <Submit busy={false}>Save</Submit>
          </form>
        </Modal>
      )}
    </section>
  )
}

function ReportView(props: { report: ImportReport }) {
  const r = props.report
  const dups = r.duplicates ?? []
  return (
    <div class="report" data-testid="import-report">
      <p>
        Imported <strong>{r.accepted}</strong> number(s){r.rejected.length > 0 && <> · <span class="text-bad">{r.rejected.length} row(s) rejected</span></>}
        {dups.length > 0 && <> · <span data-testid="import-duplicates">{dups.length} duplicate(s) skipped</span></>}
      </p>
      {dups.length > 0 && (
        <ul class="plain-list small">
          {dups.map((x) => (
            <li key={`d${x.row}`}>
              Row {x.row}: {x.phone_number} — {x.reason}
            </li>
          ))}
        </ul>
      )}
      {r.rejected.length > 0 && (
        <ul class="plain-list small">
          {r.rejected.map((x) => (
            <li key={x.row}>
              Row {x.row}: {x.phone_number || '(empty)'} — {x.error}
            </li>
          ))}
        </ul>
      )}
    </div>
  )
}

export function ContactListScreen(props: ScreenProps) {
  const id = Number(props.params.id)
  const { data, reload } = useLoad(() => contactsApi.get(id).then((r) => r.list), [id])
  const [phone, setPhone] = useState('')
  const [label, setLabel] = useState('')
  const [importing, setImporting] = useState(false)
  const [report, setReport] = useState<ImportReport | null>(null)

  const add = async (e: Event) => {
    e.preventDefault()
    try {
      await contactsApi.addItems(id, [{ phone_number: phone.trim(), label: label.trim() }])
      toast.ok('Number added')
      setPhone('')
      setLabel('')
      void reload()
    } catch (err) {
      toast.err(err)
    }
  }
  const importFile = async (file: File | undefined) => {
    if (!file) return
    setImporting(true)
    try {
      const r = await contactsApi.importCsv(id, await file.text())
      setReport(r)
      toast.ok('Import finished')
      void reload()
    } catch (err) {
      // A file with no valid row is a 400 that still carries the per-row report.
      if (err instanceof ApiFailure && Array.isArray(err.body.rejected)) setReport({ accepted: 0, rejected: err.body.rejected as ImportReport['rejected'] })
      toast.err(err)
    } finally {
      setImporting(false)
    }
  }

  if (!data) return <Loading />
  return (
    <section>
      <PageHead title={data.name} sub={<a href="#/contacts">← All lists</a>}>
        <button type="button" class="btn" onClick={() => contactsApi.exportCsv(id, data.name).catch(toast.err)}>Export CSV</button>
      </PageHead>
      <div class="row">
        <form class="card inline-form grow" onSubmit={add}>
          <Field label="Phone number" inputMode="tel" required placeholder="595981123456" value={phone} onInput={setPhone} />
          <Field label="Label (optional)" maxLength={100} value={label} onInput={setLabel} />
          <Submit busy={false}>Add</Submit>
        </form>
        <div class="card grow">
          <div class="field">
            <label for="csv-file">Import a CSV file</label>
            <input id="csv-file" type="file" accept=".csv,text/csv,text/plain" disabled={importing} onChange={(e) => void importFile(e.currentTarget.files?.[0])} />
            <small class="hint">Columns: phone_number, label (a header row is optional).</small>
          </div>
          {report && <ReportView report={report} />}
        </div>
      </div>
      {data.items.length === 0 ? (
        <Empty text="No numbers in this list yet." />
      ) : (
        <Table
          rows={data.items}
          rowKey={(i) => i.id}
          columns={[
            { label: 'Number', cell: (i) => i.phone_number },
            { label: 'Label', cell: (i) => i.label || '-' },
            {
              label: '',
              cell: (i) => (
                <button type="button" class="btn btn-sm btn-danger" onClick={async () => (await confirm(`Remove ${i.phone_number}?`, 'Remove')) && contactsApi.removeItem(id, i.id).then(() => (toast.ok('Removed'), reload()), toast.err)}>
                  Remove
                </button>
              ),
            },
          ]}
        />
      )}
      {importing && <Modal title="Importing" onClose={() => {}}><p>Importing the CSV…</p></Modal>}
    </section>
  )
}

/** Backups: create, download, restore (after confirmation), delete. */
import { useState } from 'preact/hooks'
import { adminApi, type Backup } from '../api/admin.js'
import { confirm } from '../components/modal.js'
import { PageHead } from '../components/page.js'
import { Table } from '../components/table.js'
import { toast } from '../components/toast.js'
import { fmtBytes, fmtDate } from '../lib/format.js'
import { useLoad } from '../lib/use-load.js'
import type { ScreenProps } from './screen-props.js'

export function AdminBackupsScreen(_: ScreenProps) {
  const { data, reload } = useLoad(() => adminApi.backups().then((r) => r.backups))
  const [busy, setBusy] = useState(false)
  const create = async () => {
    setBusy(true)
    try {
      const r = await adminApi.createBackup()
      toast.ok(`Backup ${r.filename} created`)
      void reload()
    } catch (e) {
      toast.err(e)
    } finally {
      setBusy(false)
    }
  }
  const restore = async (b: Backup) => {
    if (!(await confirm(`Restore ${b.filename}? Every table is replaced by the backup's contents; changes since then are lost. Everyone is signed out.`, 'Restore'))) return
    setBusy(true)
    try {
      const r = await adminApi.restoreBackup(b.filename)
      toast.ok(r.message ?? 'Backup restored')
    } catch (e) {
      toast.err(e)
    } finally {
      setBusy(false)
    }
  }
  const remove = async (b: Backup) => {
    if (!(await confirm(`Delete the backup ${b.filename}?`, 'Delete'))) return
    await adminApi.deleteBackup(b.filename).then(() => (toast.ok('Backup deleted'), reload()), toast.err)
  }
  return (
    <section>
      <PageHead title="Backups" sub="PostgreSQL dumps kept on the server.">
        <button type="button" class="btn btn-primary" disabled={busy} onClick={create}>{busy ? 'Working…' : 'Create backup now'}</button>
      </PageHead>
      <Table
        rows={data}
        rowKey={(b) => b.filename}
        empty="No backups yet."
        columns={[
          { label: 'File', cell: (b) => <code>{b.filename}</code> },
          { label: 'Size', cell: (b) => fmtBytes(b.size) },
          { label: 'Date', cell: (b) => fmtDate(b.created_at ?? b.date ?? null) },
          {
            label: 'Actions',
            cell: (b) => (
              <div class="actions">
                <button type="button" class="btn btn-sm" onClick={() => adminApi.downloadBackup(b.filename).catch(toast.err)}>Download</button>
                <button type="button" class="btn btn-sm" disabled={busy} onClick={() => restore(b)}>Restore</button>
                <button type="button" class="btn btn-sm btn-danger" onClick={() => remove(b)}>Delete</button>
              </div>
            ),
          },
        ]}
      />
    </section>
  )
}

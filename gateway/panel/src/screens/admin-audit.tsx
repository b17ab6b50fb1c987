/** Audit log with filters and a detail view. */
import { useState } from 'preact/hooks'
import { adminApi, type AuditRow } from '../api/admin.js'
import { Badge } from '../components/badge.js'
import { Field } from '../components/fields.js'
import { Modal } from '../components/modal.js'
import { PageHead } from '../components/page.js'
import { Pager } from '../components/pager.js'
import { Table } from '../components/table.js'
import { fmtDate } from '../lib/format.js'
import { useLoad } from '../lib/use-load.js'
import type { ScreenProps } from './screen-props.js'

const EMPTY = { action: '', username: '', resource_type: '', from: '', to: '' }

export function AdminAuditScreen(_: ScreenProps) {
  const [form, setForm] = useState(EMPTY)
  const [applied, setApplied] = useState(EMPTY)
  const [page, setPage] = useState(1)
  const [open, setOpen] = useState<AuditRow | null>(null)
  const { data } = useLoad(
    () =>
      adminApi.audit({
        page,
        action: applied.action.trim() || undefined,
        username: applied.username.trim() || undefined,
        resource_type: applied.resource_type.trim() || undefined,
        date_from: applied.from ? new Date(`${applied.from}T00:00:00`).toISOString() : undefined,
        date_to: applied.to ? new Date(`${applied.to}T23:59:59.999`).toISOString() : undefined,
      }),
    [applied, page],
  )
  const set = (k: keyof typeof form) => (v: string) => setForm({ ...form, [k]: v })
  return (
    <section>
      <PageHead title="Audit log" />
      <form class="card filters" onSubmit={(e) => (e.preventDefault(), setPage(1), setApplied(form))}>
        <Field label="Action" list="audit-actions" value={form.action} onInput={set('action')} />
        <datalist id="audit-actions">
          {['user_created', 'user_updated', 'user_deleted', 'user_login', 'user_logout', 'password_changed', '2fa_enabled', '2fa_disabled', 'incident_created', 'incident_deleted', 'maintenance_created', 'maintenance_deleted', 'backup_created', 'backup_restored', 'instance_grant_created', 'instance_grant_revoked'].map((a) => <option key={a} value={a} />)}
        </datalist>
        <Field label="Username" value={form.username} onInput={set('username')} />
        <Field label="Resource type" value={form.resource_type} onInput={set('resource_type')} />
        <Field label="From" type="date" value={form.from} onInput={set('from')} />
        <Field label="To" type="date" value={form.to} onInput={set('to')} />
        <button type="submit" class="btn btn-primary">Filter</button>
      </form>
      <Table
        rows={data?.logs ?? null}
        rowKey={(r) => r.id}
        empty="No audit entries match."
        columns={[
          { label: 'Date', cell: (r) => fmtDate(r.created_at) },
          { label: 'User', cell: (r) => r.username ?? '-' },
          { label: 'Action', cell: (r) => <Badge value={r.action} tone="info" /> },
          { label: 'Resource', cell: (r) => (r.resource_type ? `${r.resource_type}${r.resource_id !== null ? ` #${r.resource_id}` : ''}` : '-') },
          { label: 'IP', cell: (r) => r.ip_address ?? '-' },
          { label: 'Details', cell: (r) => (r.details ? <button type="button" class="link truncate" onClick={() => setOpen(r)}>{JSON.stringify(r.details)}</button> : '-') },
        ]}
      />
      {data && <Pager page={data.page} pages={data.pages} total={data.total} onPage={setPage} />}
      {open && (
        <Modal title={`Audit entry #${open.id}`} onClose={() => setOpen(null)} wide>
          <dl class="kv">
            <dt>Date</dt><dd>{fmtDate(open.created_at)}</dd>
            <dt>User</dt><dd>{open.username ?? '-'}</dd>
            <dt>Action</dt><dd>{open.action}</dd>
            <dt>Resource</dt><dd>{open.resource_type ?? '-'} {open.resource_id ?? ''}</dd>
            <dt>IP</dt><dd>{open.ip_address ?? '-'}</dd>
          </dl>
          <pre class="code">{JSON.stringify(open.details, null, 2)}</pre>
        </Modal>
      )}
    </section>
  )
}

/** Audit log with filter menus (values from the log) and a detail view with the details as fields. */
import { Fragment } from 'preact'
import { useState } from 'preact/hooks'
import { adminApi, type AuditRow } from '../api/admin.js'
import { Badge } from '../components/badge.js'
import { Field, Select } from '../components/fields.js'
import { Modal } from '../components/modal.js'
import { PageHead } from '../components/page.js'
import { Pager } from '../components/pager.js'
import { Table } from '../components/table.js'
import { fmtDate } from '../lib/format.js'
import { useLoad } from '../lib/use-load.js'
import type { ScreenProps } from './screen-props.js'

/** A filter menu: "Any" first, then the values the log holds (GET /admin/audit/facets). */
const menu = (values: string[] | undefined) => [{ value: '', label: 'Any' }, ...(values ?? []).map((v) => ({ value: v, label: v.replace(/_/g, ' ') }))]

const label = (k: string) => k.replace(/_/g, ' ')
const scalar = (v: unknown): string => (v === null || v === undefined ? '-' : typeof v === 'object' ? JSON.stringify(v) : String(v))

/** One line for the table: "title: Outage · severity: major". */
function summary(details: unknown): string {
  if (!details || typeof details !== 'object' || Array.isArray(details)) return scalar(details)
  return Object.entries(details as Record<string, unknown>).map(([k, v]) => `${label(k)}: ${scalar(v)}`).join(' · ')
}

/** The details as a key: value list; nested objects as nested lists, arrays of scalars joined. */
function Details(props: { value: unknown }) {
  const v = props.value
  if (!v || typeof v !== 'object') return <span>{scalar(v)}</span>
  if (Array.isArray(v)) return v.every((x) => x === null || typeof x !== 'object') ? <span>{v.map(scalar).join(', ') || '-'}</span> : <ol>{v.map((x, i) => <li key={i}><Details value={x} /></li>)}</ol>
  return (
    <dl class="kv" data-testid="audit-details">
      {Object.entries(v as Record<string, unknown>).map(([k, x]) => (
        <Fragment key={k}>
          <dt>{label(k)}</dt>
          <dd><Details value={x} /></dd>
        </Fragment>
      ))}
    </dl>
  )
}

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
  const { data: facets } = useLoad(() => adminApi.auditFacets())
  const set = (k: keyof typeof form) => (v: string) => setForm({ ...form, [k]: v })
  return (
    <section>
      <PageHead title="Audit log" />
      <form class="card filters" onSubmit={(e) => (e.preventDefault(), setPage(1), setApplied(form))}>
        <Select label="Action" value={form.action} onChange={set('action')} options={menu(facets?.actions)} testid="audit-action" />
        <Select label="User" value={form.username} onChange={set('username')} options={menu(facets?.usernames)} testid="audit-user" />
        <Select label="Resource type" value={form.resource_type} onChange={set('resource_type')} options={menu(facets?.resource_types)} />
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
          { label: 'Details', cell: (r) => (r.details ? <button type="button" class="link truncate" onClick={() => setOpen(r)}>{summary(r.details)}</button> : '-') },
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
          {open.details && <Details value={open.details} />}
        </Modal>
      )}
    </section>
  )
}

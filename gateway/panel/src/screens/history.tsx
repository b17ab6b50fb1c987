/** Send history: filters, pagination, CSV export. */
import { useState } from 'preact/hooks'
import { messagesApi, type LogFilters } from '../api/messages.js'
import { Badge } from '../components/badge.js'
import { Field, Select } from '../components/fields.js'
import { PageHead } from '../components/page.js'
import { Pager } from '../components/pager.js'
import { Table } from '../components/table.js'
import { toast } from '../components/toast.js'
import { fmtDate } from '../lib/format.js'
import { useLoad } from '../lib/use-load.js'
import type { ScreenProps } from './screen-props.js'

function toQuery(f: { status: string; type: string; instance: string; from: string; to: string }): LogFilters {
  return {
    status: f.status || undefined,
    message_type: f.type || undefined,
    instance_name: f.instance.trim() || undefined,
    date_from: f.from ? new Date(`${f.from}T00:00:00`).toISOString() : undefined,
    date_to: f.to ? new Date(`${f.to}T23:59:59.999`).toISOString() : undefined,
  }
}

export function HistoryScreen(_: ScreenProps) {
  const [form, setForm] = useState({ status: '', type: '', instance: '', from: '', to: '' })
  const [applied, setApplied] = useState(form)
  const [page, setPage] = useState(1)
  const { data, reload } = useLoad(() => messagesApi.log({ ...toQuery(applied), page, limit: 50 }), [applied, page])
  const set = (k: keyof typeof form) => (v: string) => setForm({ ...form, [k]: v })

  return (
    <section>
      <PageHead title="History" sub="Every message sent through the gateway.">
        <button type="button" class="btn" onClick={() => messagesApi.exportCsv(toQuery(applied)).then(() => toast.ok('CSV downloaded'), toast.err)}>
          Export CSV
        </button>
        <button type="button" class="btn" onClick={() => void reload()}>
          Refresh
        </button>
      </PageHead>
      <form
        class="card filters"
        onSubmit={(e) => {
          e.preventDefault()
          setPage(1)
          setApplied(form)
        }}
      >
        <Select label="Status" value={form.status} onChange={set('status')} options={[{ value: '', label: 'All' }, 'sent', 'failed', 'cancelled']} />
        <Select label="Type" value={form.type} onChange={set('type')} options={[{ value: '', label: 'All' }, 'text', 'image', 'document', 'audio', 'video']} />
        <Field label="Instance" value={form.instance} onInput={set('instance')} />
        <Field label="From" type="date" value={form.from} onInput={set('from')} />
        <Field label="To" type="date" value={form.to} onInput={set('to')} />
        <button type="submit" class="btn btn-primary">
          Filter
        </button>
      </form>
      <Table
        testid="history-table"
        rows={data?.logs ?? null}
        rowKey={(l) => l.id}
        empty="No messages match."
        columns={[
          { label: 'Date', cell: (l) => fmtDate(l.created_at) },
          { label: 'Instance', cell: (l) => l.instance_name },
          { label: 'Number', cell: (l) => l.phone_number },
          { label: 'Type', cell: (l) => l.message_type },
          { label: 'Status', cell: (l) => <Badge value={l.status} /> },
          { label: 'Error', cell: (l) => <span class="truncate" title={l.error_message ?? ''}>{l.error_message ?? '-'}</span> },
        ]}
      />
      {data && <Pager page={data.page} pages={data.pages} total={data.total} onPage={setPage} />}
    </section>
  )
}

/**
 * Send history: what was sent (text column), search by number and text, filters, pagination, CSV
 * export, and a message's detail with its status timeline (./history-detail.tsx). `#/history/job/:job`
 * shows one bulk/scheduled job's messages (linked from the job's detail).
 */
import { useState } from 'preact/hooks'
import { messagesApi, type LogFilters } from '../api/messages.js'
import { Badge } from '../components/badge.js'
import { Field, Select } from '../components/fields.js'
import { PageHead } from '../components/page.js'
import { Pager } from '../components/pager.js'
import { Table } from '../components/table.js'
import { toast } from '../components/toast.js'
import { errorSentence } from '../lib/errors.js'
import { fmtDate } from '../lib/format.js'
import { useLoad } from '../lib/use-load.js'
import { useLiveMessageStatus } from '../lib/use-live-status.js'
import { HistoryDetail } from './history-detail.js'
import type { ScreenProps } from './screen-props.js'

type Form = { status: string; type: string; instance: string; from: string; to: string; number: string; q: string }

function toQuery(f: Form): LogFilters {
  return {
    phone_number: f.number.trim() || undefined,
    q: f.q.trim() || undefined,
    status: f.status || undefined,
    message_type: f.type || undefined,
    instance_name: f.instance.trim() || undefined,
    date_from: f.from ? new Date(`${f.from}T00:00:00`).toISOString() : undefined,
    date_to: f.to ? new Date(`${f.to}T23:59:59.999`).toISOString() : undefined,
  }
}

/** A logged error as a sentence (lib/errors.ts), never the raw upstream JSON. */
function ErrorCell(props: { raw: string | null | undefined; instance: string }) {
  const text = errorSentence(props.raw, { instance: props.instance })
  if (!text) return <>-</>
  return (
    <span class="truncate" title={text} data-testid="history-error">
      {text}
    </span>
  )
}

export function HistoryScreen(props: ScreenProps) {
  const [form, setForm] = useState<Form>({ status: '', type: '', instance: '', from: '', to: '', number: '', q: '' })
  const [applied, setApplied] = useState(form)
  const [page, setPage] = useState(1)
  const [open, setOpen] = useState<number | null>(null)
  const job = /^\d+$/.test(props.params.job ?? '') ? Number(props.params.job) : undefined
  const query = (): LogFilters => ({ ...toQuery(applied), scheduled_message_id: job })
  const { data, reload } = useLoad(() => messagesApi.log({ ...query(), page, limit: 50 }), [applied, page, job])
  // Ticks move as the gateway pushes delivery statuses (live stream), without a reload.
  const live = useLiveMessageStatus()
  const set = (k: keyof typeof form) => (v: string) => setForm({ ...form, [k]: v })

  return (
    <section>
      <PageHead title="History" sub="Every message sent through the gateway.">
        <button type="button" class="btn" onClick={() => messagesApi.exportCsv(query()).then(() => toast.ok('CSV downloaded'), toast.err)}>
          Export CSV
        </button>
        <button type="button" class="btn" onClick={() => void reload()}>
          Refresh
        </button>
      </PageHead>
      {job !== undefined && (
        <p class="row" data-testid="history-job">
          <span>
            Messages of job <strong>#{job}</strong>
          </span>
          <a class="btn btn-sm" href="#/history">
            Show all messages
          </a>
        </p>
      )}
      <form
        class="card filters"
        onSubmit={(e) => {
          e.preventDefault()
          setPage(1)
          setApplied(form)
        }}
      >
        <Field label="Number" type="search" inputMode="tel" placeholder="595981…" value={form.number} onInput={set('number')} />
        <Field label="Text" type="search" placeholder="Words in the message" value={form.q} onInput={set('q')} />
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
          {
            label: 'Message',
            cell: (l) => (
              <button type="button" class="link truncate" title={l.message_text ?? 'Show details'} data-testid="history-text" onClick={() => setOpen(l.id)}>
                {l.message_text ?? 'Details'}
              </button>
            ),
          },
          { label: 'Type', cell: (l) => l.message_type },
          { label: 'Status', cell: (l) => <Badge value={live.byRow(l.id, l.status)} /> },
          { label: 'Error', cell: (l) => <ErrorCell raw={l.error_message} instance={l.instance_name} /> },
        ]}
      />
      {data && <Pager page={data.page} pages={data.pages} total={data.total} onPage={setPage} />}
      {open !== null && <HistoryDetail id={open} onClose={() => setOpen(null)} />}
    </section>
  )
}

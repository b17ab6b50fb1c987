/**
 * Replies: what contacts wrote to one instance (GET /api/messages/inbound?instance=), newest first,
 * with number and date filters and pages of 50. Reachable from the instance screen, its card and its
 * Chats screen (the conversations, with what was sent too: chats.tsx).
 * Only the owner, a grantee or an admin may see them: the gateway answers 403 otherwise (a toast).
 */
import { useState } from 'preact/hooks'
import { inboundApi, type InboundFilters } from '../api/inbound.js'
import { Field } from '../components/fields.js'
import { PageHead } from '../components/page.js'
import { Pager } from '../components/pager.js'
import { Table } from '../components/table.js'
import { fmtDate } from '../lib/format.js'
import { useLoad } from '../lib/use-load.js'
import { chatsHref } from './instances.js'
import type { ScreenProps } from './screen-props.js'

type Form = { number: string; from: string; to: string }

/** Bare dates go as they are: the gateway reads `date_to=YYYY-MM-DD` as that whole day (UTC). */
function toQuery(name: string, f: Form, page: number): InboundFilters {
  return { instance: name, number: f.number.trim() || undefined, date_from: f.from || undefined, date_to: f.to || undefined, page, limit: 50 }
}

/** Readable message type: `imageMessage` -> image, `conversation`/`extendedTextMessage` -> text. */
export function typeLabel(t: string): string {
  if (t === 'conversation' || t === 'extendedTextMessage') return 'text'
  return t.replace(/Message$/, '').replace(/([a-z])([A-Z])/g, '$1 $2').toLowerCase()
}

export function RepliesScreen(props: ScreenProps) {
  const name = props.params.name ?? ''
  const [form, setForm] = useState<Form>({ number: '', from: '', to: '' })
  const [applied, setApplied] = useState(form)
  const [page, setPage] = useState(1)
  const { data, reload } = useLoad(() => inboundApi.list(toQuery(name, applied, page)), [name, applied, page])
  const set = (k: keyof Form) => (v: string) => setForm({ ...form, [k]: v })
  const filtered = applied.number !== '' || applied.from !== '' || applied.to !== ''

  return (
    <section data-testid="replies">
      <PageHead title={`Replies to ${name}`} sub={<a href={`#/instances/${encodeURIComponent(name)}`}>← {name}</a>}>
        <a class="btn" href={chatsHref(name)} data-testid="chats-link">
          Chats
        </a>
        <button type="button" class="btn" onClick={() => void reload()}>
          Refresh
        </button>
      </PageHead>
      <form
        class="card filters"
        aria-label="Filter replies"
        onSubmit={(e) => {
          e.preventDefault()
          setPage(1)
          setApplied(form)
        }}
      >
        <Field label="From number" name="number" inputMode="tel" value={form.number} onInput={set('number')} placeholder="595981…" />
        <Field label="Since" type="date" value={form.from} onInput={set('from')} />
        <Field label="Until" type="date" value={form.to} onInput={set('to')} />
        <button type="submit" class="btn btn-primary">
          Filter
        </button>
      </form>
      <Table
        testid="replies-table"
        rows={data?.messages ?? null}
        rowKey={(m) => m.id}
        empty={filtered ? 'No replies match these filters.' : 'No replies yet: messages your contacts send to this number show up here.'}
        columns={[
          { label: 'Received', cell: (m) => fmtDate(m.received_at) },
          { label: 'From', cell: (m) => <span title={m.remote_jid}>{m.from_number ? `+${m.from_number}` : m.remote_jid}{m.push_name ? ` · ${m.push_name}` : ''}</span> },
          { label: 'Type', cell: (m) => typeLabel(m.message_type) },
          { label: 'Message', cell: (m) => (m.text ? <span class="reply-text">{m.text}</span> : <span class="muted">(no text)</span>) },
        ]}
      />
      {data && <Pager page={data.page} pages={data.pages} total={data.total} onPage={setPage} />}
    </section>
  )
}

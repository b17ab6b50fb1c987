/**
 * Scheduled messages: create (text or media by URL), list with progress, detail, cancel, delete, and
 * "Resend unconfirmed" for recipients whose outcome is unknown (the worker stopped mid-send and the
 * upstream could not tell: shown as Unconfirmed, never as sent).
 */
import { useState } from 'preact/hooks'
import { errorsOf, MAX_RECIPIENTS, progressOf, recipientsOf, SCHEDULED_TYPES, scheduledApi, type Scheduled, type ScheduledType } from '../api/scheduled.js'
import { Badge } from '../components/badge.js'
import { Field, MessageEditor, Select, Submit } from '../components/fields.js'
import { confirm, Modal } from '../components/modal.js'
import { PageHead } from '../components/page.js'
import { Pager } from '../components/pager.js'
import { ProgressBar } from '../components/progress.js'
import { Table } from '../components/table.js'
import { toast } from '../components/toast.js'
import { resultLineSentence } from '../lib/errors.js'
import { fmtDate, localInputValue, parseNumbers } from '../lib/format.js'
import { missingSentence, PlaceholderFields } from '../components/template-vars.js'
import { firstMissing, placeholdersIn, type Vars } from '../lib/placeholders.js'
import { useInterval, useLoad } from '../lib/use-load.js'
import { InstancePicker } from './instance-picker.js'
import type { ScreenProps } from './screen-props.js'

function CreateForm(props: { onCreated: () => void }) {
  const [instance, setInstance] = useState('')
  const [numbers, setNumbers] = useState('')
  const [type, setType] = useState<ScheduledType>('text')
  const [content, setContent] = useState('')
  // Values of the text's {{ key }} placeholders, the same for every recipient (the gateway fills them).
  const [vars, setVars] = useState<Vars>({})
  const [mediaUrl, setMediaUrl] = useState('')
  const [when, setWhen] = useState(localInputValue(new Date(Date.now() + 10 * 60_000)))
  const [busy, setBusy] = useState(false)
  const [blocked, setBlocked] = useState<string | null>(null)
  const recipients = parseNumbers(numbers)

  const submit = async (e: Event) => {
    e.preventDefault()
    const at = new Date(when)
    if (Number.isNaN(at.getTime())) return toast.err('Choose a valid date and time')
    if (recipients.length > MAX_RECIPIENTS) return toast.err(`At most ${MAX_RECIPIENTS} numbers per scheduled message`)
    const missing = firstMissing(content, vars)
    if (missing) return toast.err(missingSentence(missing))
    setBusy(true)
    try {
      const message_content = type === 'text' ? content : JSON.stringify({ mediatype: type, media: mediaUrl.trim(), caption: content })
      const variables = placeholdersIn(content).length ? { variables: vars } : {}
      await scheduledApi.create({ instance_name: instance, message_type: type, message_content, recipients, scheduled_at: at.toISOString(), ...variables })
      toast.ok(`Scheduled for ${fmtDate(at.toISOString())}`)
      setNumbers('')
      setContent('')
      props.onCreated()
    } catch (err) {
      toast.err(err)
    } finally {
      setBusy(false)
    }
  }

  return (
    <form class="card stack" onSubmit={submit} aria-label="Schedule a message">
      <h2>Schedule a message</h2>
      <div class="row">
        <InstancePicker value={instance} onChange={setInstance} sending onBlocked={setBlocked} />
        {/* The options are SCHEDULED_TYPES, so the value read back is one of them. */}
        <Select label="Type" value={type} onChange={(v) => setType(v as ScheduledType)} options={[...SCHEDULED_TYPES]} />
        <Field label="Send at (your local time)" type="datetime-local" required value={when} onInput={setWhen} />
      </div>
      <div class="field">
        <label for="sched-numbers">Recipients (one per line, at most {MAX_RECIPIENTS})</label>
        <textarea id="sched-numbers" rows={4} required value={numbers} onInput={(e) => setNumbers(e.currentTarget.value)} />
        <small class="hint">{recipients.length} number(s)</small>
      </div>
      {type !== 'text' && <Field label="Media URL" type="url" required value={mediaUrl} onInput={setMediaUrl} />}
      <MessageEditor label={type === 'text' ? 'Message' : 'Caption'} required={type === 'text'} templates value={content} onInput={setContent} />
      <PlaceholderFields text={content} values={vars} onChange={setVars} />
      <div>
        <Submit busy={busy} blocked={blocked} testid="send-scheduled">
          Schedule
        </Submit>
      </div>
    </form>
  )
}

/** The count of unconfirmed recipients, as its own badge (nothing when there are none). */
function Unconfirmed(props: { n: number | undefined }) {
  return props.n ? <Badge value="unconfirmed" tone="warn" label={`${props.n} unconfirmed`} /> : null
}

async function resendUnconfirmed(m: Scheduled, done: () => void): Promise<void> {
  const n = progressOf(m).unconfirmed ?? 0
  if (!(await confirm(`Send message #${m.id} again to its ${n} unconfirmed recipient(s)? Some may already have received it.`, 'Resend', false))) return
  try {
    const r = await scheduledApi.resendUnconfirmed(m.id)
    toast.ok(`Resending to ${r.resending} recipient(s)`)
    done()
  } catch (e) {
    toast.err(e)
  }
}

const mayResend = (m: Scheduled) => (m.status === 'completed' || m.status === 'failed') && (progressOf(m).unconfirmed ?? 0) > 0

function Detail(props: { id: number; onClose: () => void }) {
  const { data, reload } = useLoad(() => scheduledApi.get(props.id).then((r) => r.message), [props.id])
  useInterval(() => void reload(), 2000, !!data && (data.status === 'pending' || data.status === 'processing'))
  const p = data && progressOf(data)
  const errors = data ? errorsOf(data) : []
  return (
    <Modal title={`Scheduled message #${props.id}`} onClose={props.onClose} wide>
      {data && p && (
        <div class="stack">
          <dl class="kv">
            <dt>Instance</dt><dd>{data.instance_name}</dd>
            <dt>Type</dt><dd>{data.message_type}</dd>
            <dt>Status</dt><dd><Badge value={data.status} /></dd>
            <dt>Send at</dt><dd>{fmtDate(data.scheduled_at)}</dd>
            <dt>Created</dt><dd>{fmtDate(data.created_at)}</dd>
          </dl>
          <ProgressBar total={p.total} sent={p.sent} failed={p.failed} />
          <p>
            <a class="btn btn-sm" href={`#/history/job/${data.id}`} data-testid="view-job-messages" onClick={props.onClose}>
              View messages
            </a>
          </p>
          {(p.unconfirmed ?? 0) > 0 && (
            <div class="row">
              <Unconfirmed n={p.unconfirmed} />
              <span class="muted small">The worker stopped while sending these and WhatsApp could not confirm them.</span>
              {mayResend(data) && <button type="button" class="btn btn-sm" onClick={() => void resendUnconfirmed(data, () => void reload())}>Resend unconfirmed</button>}
            </div>
          )}
          <p class="pre card-inset">{data.message_content}</p>
          <details>
            <summary>{recipientsOf(data).length} recipient(s)</summary>
            <p class="small">{recipientsOf(data).join(', ')}</p>
          </details>
          {errors.length > 0 && (
            <details open>
              <summary>{errors.length} error(s)</summary>
              <ul class="plain-list small">{errors.map((e) => <li key={e}>{resultLineSentence(e, { instance: data.instance_name })}</li>)}</ul>
            </details>
          )}
        </div>
      )}
    </Modal>
  )
}

export function ScheduledScreen(_: ScreenProps) {
  const [status, setStatus] = useState('')
  const [page, setPage] = useState(1)
  const [open, setOpen] = useState<number | null>(null)
  const { data, reload } = useLoad(() => scheduledApi.list({ page, limit: 20, status }), [page, status])
  useInterval(() => void reload(), 5000, !!data?.messages.some((m) => m.status === 'pending' || m.status === 'processing'))

  const act = async (m: Scheduled, what: 'cancel' | 'delete') => {
    if (!(await confirm(what === 'cancel' ? `Cancel scheduled message #${m.id}?` : `Delete scheduled message #${m.id}?`, what === 'cancel' ? 'Cancel it' : 'Delete'))) return
    try {
      await (what === 'cancel' ? scheduledApi.cancel(m.id) : scheduledApi.remove(m.id))
      toast.ok(what === 'cancel' ? 'Cancelled' : 'Deleted')
      void reload()
    } catch (e) {
      toast.err(e)
    }
  }

  return (
    <section>
      <PageHead title="Scheduled" sub="Messages the gateway sends at a given time." />
      <CreateForm onCreated={() => void reload()} />
      <div class="card filters">
        <Select label="Status" value={status} onChange={(v) => (setStatus(v), setPage(1))} options={[{ value: '', label: 'All' }, 'pending', 'processing', 'completed', 'failed', 'cancelled']} />
      </div>
      <Table
        rows={data?.messages ?? null}
        rowKey={(m) => m.id}
        empty="Nothing scheduled."
        columns={[
          { label: 'Send at', cell: (m) => fmtDate(m.scheduled_at) },
          { label: 'Instance', cell: (m) => m.instance_name },
          { label: 'Type', cell: (m) => m.message_type },
          { label: 'Progress', cell: (m) => { const p = progressOf(m); return <>{`${p.sent + p.failed + (p.unconfirmed ?? 0)} / ${p.total}`} <Unconfirmed n={p.unconfirmed} /></> } },
          { label: 'Status', cell: (m) => <Badge value={m.status} /> },
          {
            label: 'Actions',
            cell: (m) => (
              <div class="actions">
                <button type="button" class="btn btn-sm" onClick={() => setOpen(m.id)}>View</button>
                {(m.status === 'pending' || m.status === 'processing') && <button type="button" class="btn btn-sm" onClick={() => act(m, 'cancel')}>Cancel</button>}
                {mayResend(m) && <button type="button" class="btn btn-sm" onClick={() => void resendUnconfirmed(m, () => void reload())}>Resend unconfirmed</button>}
                {m.status !== 'processing' && <button type="button" class="btn btn-sm btn-danger" onClick={() => act(m, 'delete')}>Delete</button>}
              </div>
            ),
          },
        ]}
      />
      {data && <Pager page={data.page} pages={data.pages} total={data.total} onPage={setPage} />}
      {open !== null && <Detail id={open} onClose={() => setOpen(null)} />}
    </section>
  )
}

/**
 * Bulk send as server-side jobs: the numbers are split into jobs of at most 500 recipients
 * (POST /api/scheduled with scheduled_at = now), then the jobs are polled for a live progress bar.
 * `{{ key }}` placeholders are filled per recipient by the gateway from the values of the contacts
 * added from a list (docs/templates.md), previewed for the first 3 and checked before the send.
 */
import { useEffect, useRef, useState } from 'preact/hooks'
import { contactsApi } from '../api/contacts.js'
import { errorsOf, MAX_RECIPIENTS, progressOf, scheduledApi, type Scheduled } from '../api/scheduled.js'
import { MessageEditor, Submit } from '../components/fields.js'
import { confirm } from '../components/modal.js'
import { Badge } from '../components/badge.js'
import { ProgressBar } from '../components/progress.js'
import { toast } from '../components/toast.js'
import { resultLineSentence } from '../lib/errors.js'
import { chunk, parseNumbers } from '../lib/format.js'
import { BulkPreview, checkBulk } from '../components/template-vars.js'
import { contactVars, placeholdersIn, type Vars } from '../lib/placeholders.js'
import { onLiveEvent } from '../lib/live-events.js'
import { useInterval, useLoad } from '../lib/use-load.js'
import { InstancePicker } from './instance-picker.js'

const FINAL = new Set(['completed', 'failed', 'cancelled'])

export function BulkSend() {
  const [instance, setInstance] = useState('')
  const [numbers, setNumbers] = useState('')
  const [text, setText] = useState('')
  // Each added contact's placeholder values (label as name, CSV fields), by number (docs/templates.md).
  const [contacts, setContacts] = useState<Record<string, Vars>>({})
  const [busy, setBusy] = useState(false)
  const [blocked, setBlocked] = useState<string | null>(null)
  const [jobs, setJobs] = useState<Scheduled[]>([])
  const jobsRef = useRef<Scheduled[]>([])
  jobsRef.current = jobs
  const lists = useLoad(() => contactsApi.lists().then((r) => r.lists))
  const parsed = parseNumbers(numbers)
  const running = jobs.length > 0 && jobs.some((j) => !FINAL.has(j.status))
  const varsOf = (n: string): Vars => (Object.hasOwn(contacts, n) ? (contacts[n] ?? {}) : { number: n })
  const templated = placeholdersIn(text)
  const check = checkBulk(text, parsed, varsOf)
  /** With placeholders, each recipient carries the values its text uses; the gateway fills them. */
  const recipientsFor = (part: string[]) =>
    templated.length === 0 ? part : part.map((n) => ({ number: n, variables: Object.fromEntries(templated.flatMap((k) => (varsOf(n)[k] ? [[k, varsOf(n)[k] ?? '']] : []))) }))

  const loadList = async (id: string) => {
    if (!id) return
    try {
      const r = await contactsApi.get(Number(id))
      const add = r.list.items.map((i) => i.phone_number).join('\n')
      setContacts((c) => ({ ...c, ...Object.fromEntries(r.list.items.map((i) => [i.phone_number, contactVars(i.phone_number, i.label, i.fields)])) }))
      setNumbers((n) => (n.trim() ? `${n.trim()}\n${add}` : add))
      toast.ok(`Added ${r.list.items.length} numbers from ${r.list.name}`)
    } catch (e) {
      toast.err(e)
    }
  }

  const start = async (e: Event) => {
    e.preventDefault()
    if (parsed.length === 0) return toast.err('Add at least one number')
    if (check.missing) return toast.err(`{{${check.missing.key}}} has no value for ${check.missing.number}`)
    const parts = chunk(parsed, MAX_RECIPIENTS)
    if (parts.length > 1 && !(await confirm(`${parsed.length} numbers will be sent as ${parts.length} jobs of up to ${MAX_RECIPIENTS}. Continue?`, 'Send', false))) return
    setBusy(true)
    const created: Scheduled[] = []
    try {
      for (const recipients of parts) {
        const r = await scheduledApi.create({ instance_name: instance, message_type: 'text', message_content: text, recipients: recipientsFor(recipients), scheduled_at: new Date().toISOString() })
        created.push(r.message)
      }
      toast.ok(`Bulk send started: ${parsed.length} numbers`)
    } catch (err) {
      toast.err(err)
    } finally {
      setJobs(created)
      setBusy(false)
    }
  }

  // Pushed progress (live stream) moves the bar at once; the poll below stays for the final status.
  useEffect(
    () =>
      onLiveEvent((e) => {
        if (e.type !== 'job.progress' || !jobsRef.current.some((j) => j.id === e.jobId)) return
        setJobs((js) => js.map((j) => (j.id !== e.jobId || FINAL.has(j.status) ? j : { ...j, progress: { ...progressOf(j), sent: e.sent, failed: e.failed, total: e.total, pending: Math.max(0, e.total - e.sent - e.failed) } })))
      }),
    [],
  )

  useInterval(
    async () => {
      try {
        const next = await Promise.all(jobsRef.current.map((j) => (FINAL.has(j.status) ? j : scheduledApi.get(j.id).then((r) => r.message))))
        setJobs(next)
        if (next.every((j) => FINAL.has(j.status))) {
          const sent = next.reduce((a, j) => a + progressOf(j).sent, 0)
          toast.ok(next.some((j) => j.status === 'cancelled') ? `Bulk send cancelled after ${sent} sent` : `Bulk send finished: ${sent} sent`)
        }
      } catch {
        /* keep polling */
      }
    },
    1500,
    running,
  )

  const cancel = async () => {
    if (!(await confirm('Cancel the bulk send? Numbers not sent yet are skipped.', 'Cancel send'))) return
    for (const j of jobs.filter((x) => !FINAL.has(x.status))) await scheduledApi.cancel(j.id).catch((e: unknown) => toast.err(e))
    toast.info('Cancelling…')
  }

  const total = jobs.reduce((a, j) => a + progressOf(j).total, 0)
  const sent = jobs.reduce((a, j) => a + progressOf(j).sent, 0)
  const failed = jobs.reduce((a, j) => a + progressOf(j).failed, 0)
  // Outcome unknown (the worker stopped mid-send): never counted as sent; resend them from Scheduled.
  const unconfirmed = jobs.reduce((a, j) => a + (progressOf(j).unconfirmed ?? 0), 0)
  const errors = jobs.flatMap(errorsOf)

  return (
    <div class="stack">
      <form class="card stack" onSubmit={start} aria-label="Bulk send" data-testid="bulk-form">
        <h2>Bulk send</h2>
        <p class="muted small">The gateway sends the messages in the background (up to {MAX_RECIPIENTS} numbers per job); you can leave this page.</p>
        <div class="row">
          <InstancePicker value={instance} onChange={setInstance} sending onBlocked={setBlocked} />
          <div class="field">
            <label for="bulk-list">Add numbers from a contact list</label>
            <select id="bulk-list" value="" onChange={(e) => void loadList(e.currentTarget.value)}>
              <option value="">Choose a list…</option>
              {(lists.data ?? []).map((l) => (
                <option key={l.id} value={String(l.id)}>
                  {l.name} ({l.item_count ?? 0})
                </option>
              ))}
            </select>
          </div>
        </div>
        <div class="field">
          <label for="bulk-numbers">Numbers (one per line, or separated by commas)</label>
          <textarea id="bulk-numbers" name="numbers" rows={6} required value={numbers} onInput={(e) => setNumbers(e.currentTarget.value)} placeholder={'595981123456\n595982654321'} />
          <small class="hint">{parsed.length} unique number(s){parsed.length > MAX_RECIPIENTS ? ` — split into ${Math.ceil(parsed.length / MAX_RECIPIENTS)} jobs` : ''}</small>
        </div>
        <MessageEditor label="Message" name="bulk-text" required templates value={text} onInput={setText} />
        <BulkPreview text={text} check={check} />
        <div>
          <Submit busy={busy || running} blocked={blocked} testid="send-bulk">Send to {parsed.length} number(s)</Submit>
        </div>
      </form>
      {jobs.length > 0 && (
        <div class="card stack" data-testid="bulk-progress">
          <h2>Progress {running ? '' : '— done'}</h2>
          <ProgressBar total={total} sent={sent} failed={failed} label="Bulk send progress" />
          {unconfirmed > 0 && (
            <p class="small" data-testid="bulk-unconfirmed">
              <Badge value="unconfirmed" tone="warn" label={`${unconfirmed} unconfirmed`} /> not known to be sent: use "Resend unconfirmed" under Scheduled.
            </p>
          )}
          <p class="muted small">
            Jobs:{' '}
            {jobs.map((j, i) => (
              <span key={j.id}>
                {i > 0 && ', '}#{j.id} {j.status} (<a href={`#/history/job/${j.id}`} data-testid="view-job-messages">view messages</a>)
              </span>
            ))}
          </p>
          {running && (
            <div>
              <button type="button" class="btn btn-danger" onClick={cancel} data-testid="cancel-bulk">
                Cancel
              </button>
            </div>
          )}
          {errors.length > 0 && (
            <details>
              <summary>{errors.length} failed number(s)</summary>
              <ul class="plain-list">
                {errors.map((e) => (
                  <li key={e}>{resultLineSentence(e, { instance })}</li>
                ))}
              </ul>
            </details>
          )}
        </div>
      )}
    </div>
  )
}

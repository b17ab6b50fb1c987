/**
 * A webhook's delivery log (docs/delivery-guarantees.md, "Webhook deliveries"): one row per attempt
 * (time, event, attempt, status code or error, latency, the delivery's state), newest delivery first;
 * a dead letter's row has Replay (one more attempt) and "Replay all dead letters" sends every one.
 */
import { useState } from 'preact/hooks'
import { webhooksApi, type Delivery, type DeliveryAttempt, type DeliveryState, type Webhook } from '../api/webhooks.js'
import { Badge } from '../components/badge.js'
import { Modal } from '../components/modal.js'
import { Table } from '../components/table.js'
import { toast } from '../components/toast.js'
import { fmtDate } from '../lib/format.js'
import { useLoad } from '../lib/use-load.js'

const TONE: Record<DeliveryState, string> = { pending: 'warn', failed: 'warn', delivered: 'ok', dead: 'bad' }
const LABEL: Record<DeliveryState, string> = { pending: 'pending', failed: 'retrying', delivered: 'delivered', dead: 'dead letter' }

type Row = { d: Delivery; a: DeliveryAttempt | null; last: boolean }

/** Attempts newest first within each delivery; a delivery not tried yet is one row without an attempt. */
const rowsOf = (list: Delivery[]): Row[] =>
  list.flatMap((d): Row[] => {
    const attempts = [...d.attempt_log].reverse()
    return attempts.length ? attempts.map((a, i) => ({ d, a, last: i === 0 })) : [{ d, a: null, last: true }]
  })

export function DeliveriesModal(props: { hook: Webhook; onClose: () => void }) {
  const [filter, setFilter] = useState<DeliveryState | ''>('')
  const { data, reload } = useLoad(() => webhooksApi.deliveries(props.hook.id, filter || undefined).then((r) => rowsOf(r.deliveries)), [filter])
  const [busy, setBusy] = useState(false)
  const dead = (data ?? []).some((r) => r.last && r.d.state === 'dead')
  const run = async (work: () => Promise<string>) => {
    setBusy(true)
    try {
      toast.ok(await work())
      void reload()
    } catch (err) {
      toast.err(err)
    } finally {
      setBusy(false)
    }
  }
  const replay = (d: Delivery) => run(() => webhooksApi.replay(props.hook.id, d.id).then(() => 'Replay queued'))
  const replayAll = () => run(() => webhooksApi.replayDead(props.hook.id).then((r) => `${r.count} dead letter${r.count === 1 ? '' : 's'} queued again`))

  return (
    <Modal title={`Deliveries: ${props.hook.instance_name}`} onClose={props.onClose} wide>
      <div class="row">
        <label>
          State{' '}
          <select aria-label="Delivery state" value={filter} onChange={(e) => setFilter((e.target as HTMLSelectElement).value as DeliveryState | '')}>
            <option value="">all</option>
            <option value="dead">dead letters</option>
            <option value="failed">retrying</option>
            <option value="pending">pending</option>
            <option value="delivered">delivered</option>
          </select>
        </label>
        <button type="button" class="btn btn-sm" onClick={() => void reload()}>Refresh</button>
        {dead && (
          <button type="button" class="btn btn-sm btn-primary" disabled={busy || !props.hook.is_active} onClick={replayAll}
            title={props.hook.is_active ? '' : 'Enable the webhook first'}>Replay all dead letters</button>
        )}
      </div>
      {!props.hook.is_active && dead && <p class="muted">The webhook is not active: enable it to replay its dead letters.</p>}
      <Table
        rows={data}
        testid="webhook-deliveries"
        rowKey={(r) => `${r.d.id}-${r.a?.attempt ?? 0}`}
        empty="No deliveries yet."
        columns={[
          { label: 'Time', cell: (r) => fmtDate(r.a?.created_at ?? r.d.created_at) },
          { label: 'Event', cell: (r) => r.d.event },
          { label: 'Attempt', cell: (r) => (r.a ? `${r.a.attempt}${r.a.replay ? ' (replay)' : ''}` : '-') },
          { label: 'Status', cell: (r) => (r.a ? (r.a.status_code ?? <span class="truncate" title={r.a.error ?? ''}>{r.a.error ?? '-'}</span>) : '-') },
          { label: 'Latency', cell: (r) => (r.a?.latency_ms != null ? `${r.a.latency_ms} ms` : '-') },
          { label: 'State', cell: (r) => (r.last ? <Badge value={r.d.state} label={LABEL[r.d.state]} tone={TONE[r.d.state]} /> : '') },
          {
            label: '',
            cell: (r) =>
              r.last && r.d.state === 'dead' ? (
                <button type="button" class="btn btn-sm" disabled={busy || !props.hook.is_active} onClick={() => replay(r.d)}>Replay</button>
              ) : null,
          },
        ]}
      />
    </Modal>
  )
}

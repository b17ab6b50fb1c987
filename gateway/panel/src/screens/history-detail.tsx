/**
 * One sent message (History's detail, issue 28): what was sent, to whom, from which instance, and its
 * status timeline (queued, sent, delivered, read, or failed with the reason as a sentence), from
 * GET /api/messages/log/{id}. A bulk/scheduled message links to its job's other messages. An
 * unconfirmed one (issue 30) has a "Resend once" button.
 */
import { useState } from 'preact/hooks'
import { instanceHealthApi } from '../api/instance-health.js'
import { messagesApi, type TimelineEvent } from '../api/messages.js'
import { Badge } from '../components/badge.js'
import { Modal } from '../components/modal.js'
import { toast } from '../components/toast.js'
import { errorSentence } from '../lib/errors.js'
import { fmtDate } from '../lib/format.js'
import { useLoad } from '../lib/use-load.js'

const STEP_LABELS: Record<string, string> = {
  queued: 'Queued',
  sent: 'Sent',
  delivered: 'Delivered',
  read: 'Read',
  failed: 'Failed',
  cancelled: 'Cancelled',
  unconfirmed: 'Unconfirmed',
}

function Step(props: { e: TimelineEvent; instance: string }) {
  const reason = props.e.reason ? errorSentence(props.e.reason, { instance: props.instance }) : ''
  return (
    <li data-testid="timeline-step" data-status={props.e.status}>
      <Badge value={props.e.status} label={STEP_LABELS[props.e.status] ?? props.e.status} /> <span class="muted small">{props.e.at ? fmtDate(props.e.at) : 'time unknown'}</span>
      {reason && <div class="small">{reason}</div>}
    </li>
  )
}

/**
 * An unconfirmed message (no server ack in time) may be resent once, on request: the answer says
 * when it already was (409) or cannot be (media).
 */
function ResendButton(props: { id: number }) {
  const [state, setState] = useState<'idle' | 'busy' | 'done'>('idle')
  const resend = async () => {
    setState('busy')
    try {
      const r = await instanceHealthApi.resend(props.id)
      toast.ok(r.status === 'failed' ? `Resent, but it failed: ${r.error ?? 'unknown error'}` : 'Resent once as a new message')
      setState('done')
    } catch (e) {
      toast.err(e)
      setState('idle')
    }
  }
  return (
    <button type="button" class="btn" disabled={state !== 'idle'} onClick={() => void resend()} data-testid="resend-unconfirmed">
      {state === 'done' ? 'Resent' : 'Resend once'}
    </button>
  )
}

export function HistoryDetail(props: { id: number; onClose: () => void }) {
  const { data } = useLoad(() => messagesApi.logEntry(props.id).then((r) => r.log), [props.id])
  return (
    <Modal title={`Message #${props.id}`} onClose={props.onClose} wide>
      {data && (
        <div class="stack" data-testid="history-detail">
          <dl class="kv">
            <dt>To</dt>
            <dd>{data.phone_number || '-'}</dd>
            <dt>Instance</dt>
            <dd>{data.instance_name}</dd>
            <dt>Type</dt>
            <dd>{data.message_type}</dd>
            <dt>Status</dt>
            <dd>
              <Badge value={data.status} />
              {data.status === 'unconfirmed' && <ResendButton id={props.id} />}
            </dd>
            {data.scheduled_message_id != null && (
              <>
                <dt>Job</dt>
                <dd>
                  <a href={`#/history/job/${data.scheduled_message_id}`} onClick={props.onClose}>
                    #{data.scheduled_message_id}: all its messages
                  </a>
                </dd>
              </>
            )}
          </dl>
          <p class="pre card-inset" data-testid="history-detail-text">
            {data.message_text ?? 'The text of this message was not recorded (sent before the log kept texts).'}
          </p>
          <h3>Status</h3>
          <ol class="timeline" data-testid="history-timeline">
            {data.timeline.map((e) => (
              <Step key={e.status} e={e} instance={data.instance_name} />
            ))}
          </ol>
        </div>
      )}
    </Modal>
  )
}

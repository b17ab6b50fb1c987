/**
 * The instance screen's "Health" card (issue 30): sends and failures today, messages still unconfirmed
 * (no server ack in time), the last ban signal, and, while a ban signal has paused sending, a banner
 * with the reason in words and a Resume button (owner or admin; the answer says when you may not).
 */
import { useState } from 'preact/hooks'
import { instanceHealthApi } from '../api/instance-health.js'
import { Stat } from '../components/page.js'
import { confirm } from '../components/modal.js'
import { toast } from '../components/toast.js'
import { fmtDate } from '../lib/format.js'
import { useInterval, useLoad } from '../lib/use-load.js'

const SIGNAL_WORDS: Record<string, string> = {
  nack_463: 'Account restricted (error 463)',
  nack_burst: 'Repeated refusals by WhatsApp',
  logout: 'Logged out by WhatsApp',
}

export const signalWords = (signal: string): string => SIGNAL_WORDS[signal] ?? signal

export function HealthCard(props: { name: string }) {
  const health = useLoad(() => instanceHealthApi.get(props.name), [props.name])
  const [busy, setBusy] = useState(false)
  useInterval(() => void health.reload(), 15_000)
  const h = health.data
  if (!h) return <div class="card muted" data-testid="health-card">{health.error ? 'Health is not available.' : 'Loading the health…'}</div>

  const resume = async () => {
    const ok = await confirm(
      'WhatsApp signalled a ban risk on this number. Resume sending only once you know why (for example after the restriction period ended).',
      'Resume sending',
      false,
    )
    if (!ok) return
    setBusy(true)
    try {
      await instanceHealthApi.resume(props.name)
      toast.ok('Sending resumed')
      await health.reload()
    } catch (e) {
      toast.err(e)
    } finally {
      setBusy(false)
    }
  }

  return (
    <div class="card" data-testid="health-card">
      <h2>Health</h2>
      {h.paused && (
        <div class="banner banner-bad" role="alert" data-testid="paused-banner">
          <strong>Sending is paused</strong> since {fmtDate(h.paused.since)}: <span data-testid="paused-reason">{h.paused.reason}</span>{' '}
          <button type="button" class="btn btn-primary" disabled={busy} onClick={() => void resume()} data-testid="resume-sending">
            Resume sending
          </button>
        </div>
      )}
      <div class="stats">
        <Stat label="Sends today" value={h.sends_today} testid="health-sends" />
        <Stat label="Failures today" value={h.failures_today} testid="health-failures" />
        <Stat label="Unconfirmed" value={h.unconfirmed} sub="no server ack in time" testid="health-unconfirmed" />
      </div>
      <dl class="facts">
        <dt>Last ban signal</dt>
        <dd data-testid="last-ban-signal">
          {h.last_ban_signal ? (
            <>
              {signalWords(h.last_ban_signal.signal)} <span class="muted small">({fmtDate(h.last_ban_signal.at)})</span>
            </>
          ) : (
            'none'
          )}
        </dd>
      </dl>
    </div>
  )
}

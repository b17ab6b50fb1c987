/** Coloured status badges. */
const TONES: Record<string, string> = {
  open: 'ok', up: 'ok', ok: 'ok', connected: 'ok', sent: 'ok', delivered: 'ok', read: 'ok', locked: 'bad', synced_ok: 'ok', completed: 'ok', resolved: 'ok', success: 'ok', reconnected: 'ok', operational: 'ok', active: 'ok', closed: 'ok', synced: 'ok',
  connecting: 'warn', pending: 'warn', scheduled: 'info', processing: 'info', in_progress: 'warn', investigating: 'warn', identified: 'warn', monitoring: 'info', degraded: 'warn', 'half-open': 'warn', half_open: 'warn', minor: 'warn',
  close: 'bad', closed_conn: 'bad', failed: 'bad', error: 'bad', down: 'bad', major: 'bad', critical: 'bad', major_outage: 'bad', partial_outage: 'bad', cancelled: 'muted', inactive: 'muted', admin: 'info', user: 'muted',
}

const LABELS: Record<string, string> = { open: 'Connected', connecting: 'Connecting', close: 'Disconnected', in_progress: 'In progress', processing: 'Sending…' }

export function Badge(props: { value: string | null | undefined; label?: string; tone?: string }) {
  const v = String(props.value ?? '-')
  const tone = props.tone ?? TONES[v.toLowerCase()] ?? 'muted'
  return <span class={`badge badge-${tone}`}>{props.label ?? LABELS[v] ?? v.replace(/_/g, ' ')}</span>
}

/** Instance state badge: open = connected; anything else not connecting = disconnected. */
export function StateBadge(props: { state: string }) {
  const s = props.state === 'open' ? 'open' : props.state === 'connecting' ? 'connecting' : 'close'
  return <Badge value={s} />
}

/** Progress bar with counters for a bulk job. */
export function ProgressBar(props: { total: number; sent: number; failed: number; label?: string }) {
  const done = props.sent + props.failed
  const pct = props.total > 0 ? Math.round((100 * done) / props.total) : 0
  return (
    <div class="progress-block" data-testid="progress">
      <div class="progress" role="progressbar" aria-valuemin={0} aria-valuemax={props.total} aria-valuenow={done} aria-label={props.label ?? 'Progress'}>
        <div class="progress-fill" style={{ width: `${pct}%` }} />
      </div>
      <p class="progress-text">
        <strong data-testid="progress-count">
          {done} / {props.total}
        </strong>{' '}
        · <span class="text-ok">{props.sent} sent</span> · <span class="text-bad">{props.failed} failed</span> · {pct}%
      </p>
    </div>
  )
}

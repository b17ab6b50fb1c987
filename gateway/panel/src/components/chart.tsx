/** Small hand-written SVG charts: a bar chart and a stacked sent/failed bar chart. */
type Bar = { label: string; value: number }

const W = 320
const H = 140
const PAD_B = 20
const PAD_T = 16

export function BarChart(props: { data: Bar[]; title: string }) {
  const max = Math.max(1, ...props.data.map((d) => d.value))
  const n = Math.max(1, props.data.length)
  const slot = W / n
  const bw = Math.min(36, slot * 0.6)
  return (
    <figure class="chart">
      <svg viewBox={`0 0 ${W} ${H}`} role="img" aria-label={props.title} preserveAspectRatio="xMidYMid meet">
        <line x1="0" y1={H - PAD_B} x2={W} y2={H - PAD_B} class="chart-axis" />
        {props.data.map((d, i) => {
          const h = ((H - PAD_B - PAD_T) * d.value) / max
          const x = i * slot + (slot - bw) / 2
          const y = H - PAD_B - h
          return (
            <g key={d.label}>
              <rect x={x} y={y} width={bw} height={Math.max(h, d.value > 0 ? 1 : 0)} rx="3" class="chart-bar" />
              <text x={x + bw / 2} y={y - 4} class="chart-value" text-anchor="middle">
                {d.value}
              </text>
              <text x={x + bw / 2} y={H - 6} class="chart-label" text-anchor="middle">
                {d.label}
              </text>
            </g>
          )
        })}
      </svg>
      <figcaption>{props.title}</figcaption>
    </figure>
  )
}

type Stack = { label: string; sent: number; failed: number }

export function StackedChart(props: { data: Stack[]; title: string }) {
  const max = Math.max(1, ...props.data.map((d) => d.sent + d.failed))
  const n = Math.max(1, props.data.length)
  const slot = W / n
  const bw = Math.min(36, slot * 0.6)
  const scale = (v: number) => ((H - PAD_B - PAD_T) * v) / max
  return (
    <figure class="chart">
      <svg viewBox={`0 0 ${W} ${H}`} role="img" aria-label={props.title}>
        <line x1="0" y1={H - PAD_B} x2={W} y2={H - PAD_B} class="chart-axis" />
        {props.data.map((d, i) => {
          const x = i * slot + (slot - bw) / 2
          const hs = scale(d.sent)
          const hf = scale(d.failed)
          const base = H - PAD_B
          return (
            <g key={d.label}>
              <rect x={x} y={base - hs} width={bw} height={hs} class="chart-bar-ok">
                <title>{`${d.sent} sent`}</title>
              </rect>
              <rect x={x} y={base - hs - hf} width={bw} height={hf} class="chart-bar-bad">
                <title>{`${d.failed} failed`}</title>
              </rect>
              <text x={x + bw / 2} y={base - hs - hf - 4} class="chart-value" text-anchor="middle">
                {d.sent + d.failed}
              </text>
              <text x={x + bw / 2} y={H - 6} class="chart-label" text-anchor="middle">
                {d.label}
              </text>
            </g>
          )
        })}
      </svg>
      <figcaption>
        {props.title} <span class="legend legend-ok">sent</span> <span class="legend legend-bad">failed</span>
      </figcaption>
    </figure>
  )
}

/** The last `days` calendar days (UTC, YYYY-MM-DD), oldest first, so days without data show as 0. */
export function lastDays(days: number): string[] {
  const out: string[] = []
  const now = Date.now()
  for (let i = days - 1; i >= 0; i--) out.push(new Date(now - i * 86_400_000).toISOString().slice(0, 10))
  return out
}

export const shortDay = (day: string) => {
  const d = new Date(`${day}T00:00:00Z`)
  return `${d.toLocaleDateString('en', { weekday: 'short', timeZone: 'UTC' })} ${d.getUTCDate()}`
}

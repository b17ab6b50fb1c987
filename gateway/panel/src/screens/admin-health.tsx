/** System health: dependencies with latency, circuit breaker state, worker runs (and run one now), upstream replicas. */
import { healthApi, type DetailedHealth } from '../api/health.js'
import { Badge } from '../components/badge.js'
import { PageHead, Stat } from '../components/page.js'
import { Loading, Table } from '../components/table.js'
import { toast } from '../components/toast.js'
import { fmtDate, fmtDuration } from '../lib/format.js'
import { useInterval, useLoad } from '../lib/use-load.js'
import type { ScreenProps } from './screen-props.js'
import { UpstreamReplicas } from './admin-upstreams.js'

type Dep = { name: string; status?: string; latency_ms?: number | null; error?: string | null }
type Run = { started_at?: string; finished_at?: string | null; duration_ms?: number | null; outcome?: string; error?: string | null; summary?: unknown }
type Worker = { name: string; schedule?: string; last_run?: Run | string | null }

const BREAKER_TONE: Record<string, string> = { closed: 'ok', half_open: 'warn', 'half-open': 'warn', open: 'bad' }
const summary = (s: unknown) => (s && typeof s === 'object' ? Object.entries(s).map(([k, v]) => `${k} ${v !== null && typeof v === 'object' ? JSON.stringify(v) : String(v)}`).join(', ') : '')

export function AdminHealthScreen(_: ScreenProps) {
  const { data, reload } = useLoad(() => healthApi.detailed())
  // Not ours (a real Evolution API), or the upstream unreachable: 'unavailable', the section says so.
  const placement = useLoad(() => healthApi.upstreams().catch(() => 'unavailable' as const))
  useInterval(() => {
    void reload()
    void placement.reload()
  }, 15_000)
  const run = async (name: string) => {
    try {
      await healthApi.runWorker(name)
      toast.ok(`${name} ran`)
      void reload()
    } catch (e) {
      toast.err(e)
    }
  }
  if (!data) return <Loading />
  const deps: Dep[] = Object.entries(data.dependencies ?? {}).map(([name, d]) => ({ name, ...(d as object) }))
  const workers: Worker[] = Array.isArray(data.workers) ? (data.workers as Worker[]) : Object.entries(data.workers ?? {}).map(([name, w]) => ({ name, ...(w as object) }))
  const breaker = data.breaker ?? {}
  const proc = data.process as { uptime_seconds?: number; memory_mb?: { rss?: number }; node?: string } | undefined
  return (
    <section>
      <PageHead title="System health" sub="Refreshes every 15 seconds.">
        <button type="button" class="btn" onClick={() => void reload()}>Refresh</button>
      </PageHead>
      <div class="stats">
        <Stat label="Overall" value={<Badge value={String(data.status ?? '-')} />} />
        <Stat label="Circuit breaker" value={<Badge value={String(breaker.state ?? '-')} tone={BREAKER_TONE[String(breaker.state)]} />} sub={breaker.consecutive_failures !== undefined ? `${String(breaker.consecutive_failures)} consecutive failure(s) of ${String(breaker.threshold ?? '?')}` : undefined} />
        {proc?.uptime_seconds !== undefined && <Stat label="Gateway process" value={fmtDuration(proc.uptime_seconds)} sub={`${proc.node ?? ''} · ${proc.memory_mb?.rss ?? '?'} MB RSS`} />}
      </div>
      <h2>Dependencies</h2>
      <Table rows={deps} rowKey={(d) => d.name} columns={[
        { label: 'Name', cell: (d) => d.name },
        { label: 'State', cell: (d) => <Badge value={d.status ?? '-'} /> },
        { label: 'Latency', cell: (d) => (d.latency_ms !== null && d.latency_ms !== undefined ? `${d.latency_ms} ms` : '-') },
        { label: 'Error', cell: (d) => d.error ?? '-' },
      ]} />
      <h2>Workers {data.workers_enabled === false && <Badge value="disabled" tone="bad" />}</h2>
      <Table rows={workers} rowKey={(w) => w.name} empty="No workers." columns={[
        { label: 'Worker', cell: (w) => <><strong>{w.name}</strong> <span class="muted small">{w.schedule ?? ''}</span></> },
        { label: 'Last run', cell: (w) => (w.last_run && typeof w.last_run === 'object' ? fmtDate(w.last_run.started_at) : fmtDate(w.last_run ?? null)) },
        { label: 'Outcome', cell: (w) => (w.last_run && typeof w.last_run === 'object' ? <Badge value={w.last_run.outcome ?? '-'} /> : <span class="muted">never</span>) },
        { label: 'Details', cell: (w) => (w.last_run && typeof w.last_run === 'object' ? <span class="truncate" title={w.last_run.error ?? summary(w.last_run.summary)}>{w.last_run.error ?? summary(w.last_run.summary) ?? '-'}</span> : '-') },
        { label: '', cell: (w) => <button type="button" class="btn btn-sm" onClick={() => run(w.name)}>Run now</button> },
      ]} />
      <h2>Upstream replicas</h2>
      <UpstreamReplicas data={placement.data} onChange={() => void placement.reload()} />
    </section>
  )
}

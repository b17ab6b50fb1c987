/** System health: dependencies with latency, circuit breaker state, worker runs (and run one now). */
import { healthApi, type DetailedHealth } from '../api/health.js'
import { Badge } from '../components/badge.js'
import { PageHead, Stat } from '../components/page.js'
import { Loading, Table } from '../components/table.js'
import { toast } from '../components/toast.js'
import { fmtDate, fmtDuration } from '../lib/format.js'
import { useInterval, useLoad } from '../lib/use-load.js'
import type { ScreenProps } from './routes.js'

type Row = { name: string; [k: string]: unknown }

function asRows(x: DetailedHealth['workers'] | DetailedHealth['dependencies']): Row[] {
  if (!x) return []
  if (Array.isArray(x)) return x as Row[]
  return Object.entries(x).map(([name, v]) => ({ name, ...(v && typeof v === 'object' ? v : { status: v }) }))
}
const str = (v: unknown) => (v === null || v === undefined || v === '' ? '-' : typeof v === 'object' ? JSON.stringify(v) : String(v))
const depState = (d: Row) => (d.ok === true ? 'ok' : d.ok === false ? 'down' : str(d.status ?? d.state))

export function AdminHealthScreen(_: ScreenProps) {
  const { data, reload } = useLoad(() => healthApi.detailed())
  useInterval(() => void reload(), 15_000)
  const run = async (name: string) => {
    try {
      await healthApi.runWorker(name)
      toast.ok(`${name} started`)
      setTimeout(() => void reload(), 1500)
    } catch (e) {
      toast.err(e)
    }
  }
  if (!data) return <Loading />
  const deps = asRows(data.dependencies)
  const workers = asRows(data.workers)
  const breaker = data.breaker ?? (data.circuit_breaker as DetailedHealth['breaker'])
  return (
    <section>
      <PageHead title="System health">
        <button type="button" class="btn" onClick={() => void reload()}>Refresh</button>
      </PageHead>
      <div class="stats">
        <Stat label="Overall" value={<Badge value={str(data.status)} />} />
        <Stat label="Circuit breaker" value={<Badge value={str(breaker?.state)} />} sub={breaker && Object.entries(breaker).filter(([k]) => k !== 'state').map(([k, v]) => `${k}: ${str(v)}`).join(' · ')} />
        {typeof data.uptime_seconds === 'number' && <Stat label="Gateway uptime" value={fmtDuration(data.uptime_seconds)} />}
      </div>
      <h2>Dependencies</h2>
      <Table rows={deps} rowKey={(d) => d.name} columns={[
        { label: 'Name', cell: (d) => d.name },
        { label: 'State', cell: (d) => <Badge value={depState(d)} tone={depState(d) === 'ok' || depState(d) === 'operational' || depState(d) === 'up' ? 'ok' : undefined} /> },
        { label: 'Latency', cell: (d) => `${str(d.latency_ms ?? d.ms ?? d.response_time)} ms` },
        { label: 'Error', cell: (d) => str(d.error) },
      ]} />
      <h2>Workers</h2>
      <Table rows={workers} rowKey={(w) => w.name} empty="No worker runs recorded." columns={[
        { label: 'Worker', cell: (w) => w.name },
        { label: 'Last run', cell: (w) => fmtDate((w.last_run ?? w.last_run_at ?? w.finished_at ?? null) as string | null) },
        { label: 'Result', cell: (w) => <Badge value={str(w.last_status ?? w.status ?? w.result)} /> },
        { label: 'Error', cell: (w) => <span class="truncate">{str(w.last_error ?? w.error)}</span> },
        { label: '', cell: (w) => <button type="button" class="btn btn-sm" onClick={() => run(w.name)}>Run now</button> },
      ]} />
    </section>
  )
}

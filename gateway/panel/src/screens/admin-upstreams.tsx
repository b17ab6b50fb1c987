/**
 * Upstream replicas (part of System health): each replica with its heartbeat, instance count and memory,
 * and a form to pin an instance to a replica ("Automatic" unpins). Answers 501 when the upstream is not
 * ours (a real Evolution API has no placement): then the section says so and shows nothing else.
 */
import { useState } from 'preact/hooks'
import { healthApi, type Placement } from '../api/health.js'
import { Badge } from '../components/badge.js'
import { Table } from '../components/table.js'
import { toast } from '../components/toast.js'
import { fmtDate } from '../lib/format.js'

const mb = (bytes: number) => `${Math.round(bytes / 1024 / 1024)} MB`

export function UpstreamReplicas({ data, onChange }: { data: Placement | 'unavailable' | null; onChange: () => void }) {
  const [instance, setInstance] = useState('')
  const [node, setNode] = useState('')
  if (data === null) return <p class="muted">Loading...</p>
  if (data === 'unavailable') return <p class="muted">Upstream placement is not available.</p>
  const live = data.replicas.filter((r) => r.live && !r.draining)
  const move = async (e: Event) => {
    e.preventDefault()
    if (!instance) return
    try {
      await healthApi.moveInstance(instance, node === '' ? null : node)
      toast.ok(node === '' ? `${instance} is placed automatically again` : `${instance} moves to ${node}`)
      onChange()
    } catch (err) {
      toast.err(err)
    }
  }
  return (
    <>
      <Table rows={data.replicas} rowKey={(r) => r.nodeId} empty="No replica has registered." columns={[
        { label: 'Replica', cell: (r) => <><strong>{r.nodeId}</strong> <span class="muted small">{r.url}</span></> },
        { label: 'State', cell: (r) => <Badge value={r.draining ? 'draining' : r.live ? 'live' : 'gone'} tone={r.draining ? 'warn' : r.live ? 'ok' : 'bad'} /> },
        { label: 'Heartbeat', cell: (r) => fmtDate(r.heartbeatAt) },
        { label: 'Instances', cell: (r) => String(r.instances) },
        { label: 'Memory', cell: (r) => mb(r.rssBytes) },
      ]} />
      <form class="inline-form" onSubmit={move} aria-label="Move an instance">
        <label>Instance
          <select value={instance} onChange={(e) => setInstance((e.target as HTMLSelectElement).value)}>
            <option value="">Choose...</option>
            {data.instances.map((i) => <option value={i.name} key={i.name}>{i.name} ({i.nodeId ?? 'no owner'}{i.pinnedNode ? ', pinned' : ''})</option>)}
          </select>
        </label>
        <label>Replica
          <select value={node} onChange={(e) => setNode((e.target as HTMLSelectElement).value)}>
            <option value="">Automatic</option>
            {live.map((r) => <option value={r.nodeId} key={r.nodeId}>{r.nodeId}</option>)}
          </select>
        </label>
        <button type="submit" class="btn btn-sm" disabled={!instance}>Move</button>
      </form>
    </>
  )
}

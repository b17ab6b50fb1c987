/**
 * @module services/metrics/cluster
 * Cluster-wide /metrics: only the primary can gather every worker's registry (prom-client's
 * AggregatorRegistry), but only workers serve HTTP. So the worker answering the scrape asks the
 * primary over IPC, the primary collects from all workers (itself included as a responder) and
 * replies with the aggregated text. Outside a cluster the local registry is rendered directly.
 */
import cluster from 'node:cluster'
import { AggregatorRegistry, type Registry } from 'prom-client'

const ASK = 'taguato:metrics-request'
const ANSWER = 'taguato:metrics-response'
const TIMEOUT_MS = 5000

type Ask = { type: typeof ASK; id: number }
type Answer = { type: typeof ANSWER; id: number; text?: string; error?: string }

/** Primary side: answers workers' aggregation requests. Call once, before forking. */
export function serveClusterMetrics(): void {
  const aggregator = new AggregatorRegistry()
  cluster.on('message', (worker, msg: Ask) => {
    if (msg?.type !== ASK) return
    aggregator.clusterMetrics().then(
      (text) => worker.isConnected() && worker.send({ type: ANSWER, id: msg.id, text } satisfies Answer),
      (err: Error) => worker.isConnected() && worker.send({ type: ANSWER, id: msg.id, error: err.message } satisfies Answer),
    )
  })
}

let nextId = 0
const pending = new Map<number, (a: Answer) => void>()
let listening = false

/** Worker side: makes `registry` the one the primary aggregates. */
export function joinClusterMetrics(registry: Registry): void {
  if (!cluster.isWorker) return
  // Constructing one installs prom-client's worker-side responder.
  new AggregatorRegistry()
  AggregatorRegistry.setRegistries([registry])
  if (listening) return
  listening = true
  process.on('message', (msg: Answer) => {
    if (msg?.type !== ANSWER) return
    pending.get(msg.id)?.(msg)
    pending.delete(msg.id)
  })
}

/** The exposition text: aggregated across workers when clustered, else this process's registry. */
export async function renderMetrics(registry: Registry): Promise<string> {
  if (!cluster.isWorker || !process.send) return registry.metrics()
  const id = nextId++
  const answer = await new Promise<Answer>((resolve) => {
    const timer = setTimeout(() => {
      pending.delete(id)
      resolve({ type: ANSWER, id, error: 'timed out waiting for the primary' })
    }, TIMEOUT_MS)
    pending.set(id, (a) => {
      clearTimeout(timer)
      resolve(a)
    })
    process.send!({ type: ASK, id } satisfies Ask)
  })
  if (answer.error !== undefined || answer.text === undefined) throw new Error(`metrics aggregation failed: ${answer.error}`)
  return answer.text
}

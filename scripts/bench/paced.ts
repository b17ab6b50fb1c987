/**
 * @module scripts/bench/paced
 * An open-loop load at a steady rate, for the fixed-rate runs ((a), (n), (m), (b) at 1,000 req/s).
 *
 * Why not autocannon's `overallRate`: it lets each connection send its share of a second back to back
 * at the start of every second and then pause, so "1,000 req/s over 50 connections" is really a burst
 * of 1,000 requests at full speed once a second, and its latencies measure throughput (queueing of 50
 * connections), not the latency of a request at that rate. Here request i is issued at t0 + i / rate
 * (within the timer's ~1 ms resolution) on a keep-alive pool of `connections` sockets, and its latency
 * is taken from its scheduled time, so a slow server cannot hide its delays by slowing the generator
 * down (no coordinated omission).
 */
import http from 'node:http'

export type PacedSpec = {
  url: string
  method?: string
  headers?: Record<string, string>
  body?: string
  rate: number
  durationS: number
  connections: number
}

export type PacedResult = { latenciesMs: number[]; errors: number; elapsedS: number }

export async function runPaced(s: PacedSpec): Promise<PacedResult> {
  const url = new URL(s.url)
  const agent = new http.Agent({ keepAlive: true, maxSockets: s.connections })
  const body = s.body === undefined ? undefined : Buffer.from(s.body)
  const headers = { ...s.headers, ...(body ? { 'content-length': String(body.length) } : {}) }
  const total = Math.round(s.rate * s.durationS)
  const intervalMs = 1000 / s.rate
  const latencies: number[] = []
  let errors = 0
  let issued = 0
  let settled = 0
  const t0 = performance.now()

  await new Promise<void>((resolve) => {
    const done = () => {
      settled += 1
      if (settled === total) resolve()
    }
    const fire = (scheduled: number) => {
      const req = http.request({ agent, hostname: url.hostname, port: url.port, path: url.pathname + url.search, method: s.method ?? 'GET', headers }, (res) => {
        res.resume()
        res.once('end', () => {
          if (res.statusCode !== undefined && res.statusCode >= 200 && res.statusCode < 300) latencies.push(performance.now() - scheduled)
          else errors += 1
          done()
        })
      })
      req.setTimeout(10_000, () => req.destroy(new Error('timeout')))
      req.once('error', () => {
        errors += 1
        done()
      })
      req.end(body)
    }
    const tick = () => {
      const now = performance.now()
      while (issued < total && t0 + issued * intervalMs <= now) {
        fire(t0 + issued * intervalMs)
        issued += 1
      }
      if (issued < total) setTimeout(tick, Math.max(0, t0 + issued * intervalMs - performance.now()))
    }
    tick()
  })
  const elapsedS = (performance.now() - t0) / 1000
  agent.destroy()
  return { latenciesMs: latencies, errors, elapsedS }
}

/** The q-quantile (0..1) of unsorted values, nearest rank. */
export function quantile(values: number[], q: number): number {
  if (values.length === 0) return 0
  const sorted = Float64Array.from(values).sort()
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]!
}

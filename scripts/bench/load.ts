/**
 * @module scripts/bench/load
 * One measured load run: autocannon (or, at a fixed rate, paced.ts) against a URL while the target's memory is sampled from /proc
 * (VmRSS every 200 ms, summed over the process and its cluster workers). Errors = socket errors +
 * timeouts + any non-2xx answer, so a run that "succeeds" with 429s or 5xx never looks fast.
 */
import fs from 'node:fs'
import autocannon from 'autocannon'
import { quantile, runPaced } from './paced.js'

export type LoadSpec = {
  name: string
  url: string
  method?: 'GET' | 'POST'
  headers?: Record<string, string>
  body?: string
  connections: number
  durationS: number
  /** Fixed total request rate, evenly paced (paced.ts); unset = as fast as possible (autocannon). */
  rate?: number
  /** Process whose memory is sampled (its children too). */
  pid?: number
  /**
   * Paths (with the query) that each connection cycles through instead of `url`'s own path: sends
   * spread over several instances (--replicas). autocannon only; not with `rate`.
   */
  paths?: string[]
  /** More process trees (upstream replicas) whose CPU is added to `pid`'s into `totalCpuUsPerReq`. */
  alsoPids?: number[]
}

export type LoadResult = {
  name: string
  connections: number
  durationS: number
  rate: number | null
  rps: number
  p50: number
  p99: number
  max: number
  requests: number
  errors: number
  /** Peak of the summed RSS of the sampled process tree during the run (MB), and per process. */
  peakRssMb: number | null
  peakProcessRssMb: number | null
  /**
   * CPU time (user + system) the sampled process tree spent per answered request during the run, in
   * µs. Less disturbed by other work on a shared machine than req/s: compare (b) with (n) by it too.
   */
  cpuUsPerReq: number | null
  /** The same over `pid` and `alsoPids` together (the whole deployment); null without `alsoPids`. */
  totalCpuUsPerReq?: number | null
}

function kb(pid: number, field: 'VmRSS' | 'VmHWM'): number {
  try {
    const m = fs.readFileSync(`/proc/${pid}/status`, 'utf8').match(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm'))
    return m ? Number(m[1]) : 0
  } catch {
    return 0
  }
}

/** Linux's USER_HZ: /proc/<pid>/stat counts CPU time in 1/100 s on every mainstream kernel. */
const TICKS_PER_SECOND = 100

/** utime + stime of a process tree, in clock ticks (fields 14 and 15 of /proc/<pid>/stat). */
function cpuTicks(pid: number | undefined): number {
  if (!pid) return 0
  let sum = 0
  for (const p of processTree(pid)) {
    try {
      const stat = fs.readFileSync(`/proc/${p}/stat`, 'utf8')
      // The command name (field 2) may hold spaces: count fields after its closing parenthesis.
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
      sum += Number(fields[11]) + Number(fields[12])
    } catch {
      // the process ended: its time is lost, the figure is a lower bound
    }
  }
  return sum
}

/** The process and its direct children (cluster workers). */
export function processTree(pid: number): number[] {
  try {
    const kids = fs.readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim()
    return [pid, ...kids.split(/\s+/).filter(Boolean).map(Number)]
  } catch {
    return [pid]
  }
}

function sampler(pid: number | undefined) {
  let peakSum = 0
  let peakOne = 0
  const tick = () => {
    if (!pid) return
    const rss = processTree(pid).map((p) => kb(p, 'VmRSS'))
    peakSum = Math.max(peakSum, rss.reduce((a, b) => a + b, 0))
    peakOne = Math.max(peakOne, ...rss)
  }
  tick()
  const timer = setInterval(tick, 200)
  return () => {
    clearInterval(timer)
    tick()
    return pid ? { sum: Math.round(peakSum / 1024), one: Math.round(peakOne / 1024) } : null
  }
}

const round = (n: number, d = 2) => Math.round(n * 10 ** d) / 10 ** d

export async function runLoad(s: LoadSpec): Promise<LoadResult> {
  if (s.rate) return runFixedRate(s)
  const stop = sampler(s.pid)
  const cpuBefore = cpuTicks(s.pid)
  const alsoBefore = (s.alsoPids ?? []).reduce((sum, p) => sum + cpuTicks(p), 0)
  const r = await autocannon({
    url: s.url,
    method: s.method ?? 'GET',
    headers: s.headers,
    body: s.body,
    ...requestsOf(s),
    connections: s.connections,
    duration: s.durationS,
    overallRate: s.rate,
    pipelining: 1,
    timeout: 10,
  })
  const mem = stop()
  const cpuUs = ((cpuTicks(s.pid) - cpuBefore) * 1e6) / TICKS_PER_SECOND
  const alsoUs = (((s.alsoPids ?? []).reduce((sum, p) => sum + cpuTicks(p), 0) - alsoBefore) * 1e6) / TICKS_PER_SECOND
  const non2xx = r.non2xx ?? 0
  return {
    name: s.name,
    connections: s.connections,
    durationS: s.durationS,
    rate: s.rate ?? null,
    rps: round(r.requests.average, 0),
    p50: r.latency.p50,
    p99: r.latency.p99,
    max: r.latency.max,
    requests: r.requests.total,
    errors: r.errors + r.timeouts + non2xx,
    peakRssMb: mem?.sum ?? null,
    peakProcessRssMb: mem?.one ?? null,
    cpuUsPerReq: s.pid && r.requests.total > 0 ? round(cpuUs / r.requests.total, 0) : null,
    ...(s.alsoPids ? { totalCpuUsPerReq: r.requests.total > 0 ? round((cpuUs + alsoUs) / r.requests.total, 0) : null } : {}),
  }
}

/**
 * autocannon's per-connection request cycle over `paths`; nothing without them (an explicit undefined
 * would replace autocannon's default `requests`).
 */
function requestsOf(s: LoadSpec) {
  return s.paths ? { requests: s.paths.map((p) => ({ path: p, method: s.method ?? 'GET', headers: s.headers, body: s.body })) } : {}
}

/** A fixed-rate run (paced.ts: evenly spaced requests, latency from each request's scheduled time). */
async function runFixedRate(s: LoadSpec): Promise<LoadResult> {
  const stop = sampler(s.pid)
  const cpuBefore = cpuTicks(s.pid)
  const r = await runPaced({ url: s.url, method: s.method, headers: s.headers, body: s.body, rate: s.rate!, durationS: s.durationS, connections: s.connections })
  const mem = stop()
  const cpuUs = ((cpuTicks(s.pid) - cpuBefore) * 1e6) / TICKS_PER_SECOND
  const answered = r.latenciesMs.length
  return {
    name: s.name,
    connections: s.connections,
    durationS: s.durationS,
    rate: s.rate!,
    rps: round(answered / r.elapsedS, 0),
    p50: round(quantile(r.latenciesMs, 0.5)),
    p99: round(quantile(r.latenciesMs, 0.99)),
    max: round(quantile(r.latenciesMs, 1)),
    requests: answered,
    errors: r.errors,
    peakRssMb: mem?.sum ?? null,
    peakProcessRssMb: mem?.one ?? null,
    cpuUsPerReq: s.pid && answered > 0 ? round(cpuUs / answered, 0) : null,
  }
}

/** A short unmeasured run so JIT, pools and caches are warm before the measured one. */
export async function warmUp(s: LoadSpec, seconds = 2): Promise<void> {
  if (s.rate) {
    await runPaced({ url: s.url, method: s.method, headers: s.headers, body: s.body, rate: s.rate, durationS: seconds, connections: s.connections })
    return
  }
  await autocannon({ url: s.url, method: s.method ?? 'GET', headers: s.headers, body: s.body, ...requestsOf(s), connections: s.connections, duration: seconds })
}

/** The round with the median req/s (its latency, RSS and CPU figures come with it). */
export function median(runs: LoadResult[]): LoadResult {
  const sorted = [...runs].sort((x, y) => x.rps - y.rps)
  return sorted[Math.floor((sorted.length - 1) / 2)]!
}

/**
 * @module services/metrics
 * Prometheus metrics of one gateway process, in its own registry (several apps may live in one test
 * process). Hot-path recorders are plain method calls on pre-resolved label children: no label-object
 * hashing per request. Nothing is exported unless METRICS_TOKEN is set (routes/metrics).
 */
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client'

/** Breaker states as a number, so the worst state wins when workers are aggregated with `max`. */
export const BREAKER_STATE = { closed: 0, half_open: 1, open: 2 } as const
export type BreakerStateName = keyof typeof BREAKER_STATE

type RequestChildren = { count: Counter.Internal; latency: Histogram.Internal<string> }

/** Latency buckets in seconds: sub-millisecond gateway work up to the 30 s upstream timeout. */
const HTTP_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30]
const JOB_BUCKETS = [0.01, 0.05, 0.1, 0.5, 1, 5, 15, 60, 300]

export type MetricsOptions = {
  /** Process metrics (CPU, RSS, event-loop lag, GC); off in unit tests to avoid timers. */
  defaultMetrics?: boolean
}

export class Metrics {
  readonly registry = new Registry()
  private readonly requests: Counter<'family' | 'method' | 'status'>
  private readonly latency: Histogram<'family' | 'method' | 'status'>
  private readonly upstreamLatency: Histogram<'family' | 'outcome'>
  private readonly breaker: Gauge<never>
  private readonly rateLimited: Counter<'scope'>
  private readonly jobRuns: Counter<'job' | 'outcome'>
  private readonly jobDuration: Histogram<'job'>
  private readonly children = new Map<string, RequestChildren>()
  private readonly upstreamChildren = new Map<string, Histogram.Internal<string>>()
  private breakerReader: (() => BreakerStateName) | null = null

  constructor(opts: MetricsOptions = {}) {
    const registers = [this.registry]
    this.requests = new Counter({
      name: 'taguato_http_requests_total',
      help: 'HTTP requests answered, by route family, method and status',
      labelNames: ['family', 'method', 'status'],
      registers,
    })
    this.latency = new Histogram({
      name: 'taguato_http_request_duration_seconds',
      help: 'Time from request received to response ready, by route family, method and status',
      labelNames: ['family', 'method', 'status'],
      buckets: HTTP_BUCKETS,
      registers,
    })
    this.upstreamLatency = new Histogram({
      name: 'taguato_upstream_request_duration_seconds',
      help: 'Upstream hop latency (proxied requests), by route family and outcome (2xx..5xx, error, timeout)',
      labelNames: ['family', 'outcome'],
      buckets: HTTP_BUCKETS,
      registers,
    })
    const self = this
    this.breaker = new Gauge({
      name: 'taguato_breaker_state',
      help: 'Upstream circuit breaker: 0 closed, 1 half-open, 2 open (per process; max across workers)',
      registers,
      aggregator: 'max',
      collect() {
        if (self.breakerReader) this.set(BREAKER_STATE[self.breakerReader()])
      },
    })
    this.rateLimited = new Counter({
      name: 'taguato_rate_limit_rejections_total',
      help: 'Requests refused with 429, by limiter (user, ip)',
      labelNames: ['scope'],
      registers,
    })
    this.jobRuns = new Counter({
      name: 'taguato_job_runs_total',
      help: 'Background job runs claimed by this process, by job and outcome (ok, failed, skipped)',
      labelNames: ['job', 'outcome'],
      registers,
    })
    this.jobDuration = new Histogram({
      name: 'taguato_job_duration_seconds',
      help: 'Background job run duration',
      labelNames: ['job'],
      buckets: JOB_BUCKETS,
      registers,
    })
    this.breaker.set(0)
    if (opts.defaultMetrics) collectDefaultMetrics({ register: this.registry, prefix: 'taguato_' })
  }

  /** One finished HTTP request; `family` must come from routeFamily() (bounded). */
  request(family: string, method: string, status: number, seconds: number): void {
    const key = `${family} ${method} ${status}`
    let ch = this.children.get(key)
    if (!ch) {
      const labels = { family, method, status: String(status) }
      ch = { count: this.requests.labels(labels), latency: this.latency.labels(labels) }
      this.children.set(key, ch)
    }
    ch.count.inc()
    ch.latency.observe(seconds)
  }

  /** One upstream hop (the proxy calls this); outcome is a status class or 'error' / 'timeout'. */
  upstream(family: string, outcome: string, seconds: number): void {
    const key = `${family} ${outcome}`
    let h = this.upstreamChildren.get(key)
    if (!h) {
      h = this.upstreamLatency.labels({ family, outcome })
      this.upstreamChildren.set(key, h)
    }
    h.observe(seconds)
  }

  /** Where the breaker's state is read at scrape time (the proxy's breaker registers itself). */
  watchBreaker(read: () => BreakerStateName): void {
    this.breakerReader = read
  }

  /** Or push the state on each transition, for a breaker that emits events. */
  setBreakerState(state: BreakerStateName): void {
    this.breaker.set(BREAKER_STATE[state])
  }

  rateLimitRejected(scope: 'user' | 'ip'): void {
    this.rateLimited.inc({ scope })
  }

  jobFinished(job: string, outcome: string, ms: number): void {
    this.jobRuns.inc({ job, outcome })
    if (outcome !== 'skipped') this.jobDuration.observe({ job }, ms / 1000)
  }

  /** A gauge whose value is computed on each scrape (e.g. one SQL count). */
  gaugeOnScrape(name: string, help: string, read: () => Promise<number>): void {
    new Gauge({
      name,
      help,
      registers: [this.registry],
      // Every worker reads the same database: the value is the same, not a per-process share.
      aggregator: 'max',
      async collect() {
        this.set(await read().catch(() => -1))
      },
    })
  }
}

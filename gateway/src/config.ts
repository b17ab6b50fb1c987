/**
 * @module config
 * The gateway's whole configuration, parsed from the environment once at start. A bad value stops the
 * process with a list of every problem (never a half-configured gateway). Nothing else reads process.env.
 */
import * as v from 'valibot'

const int = (def: number, min = 0, max = Number.MAX_SAFE_INTEGER) =>
  v.pipe(
    v.optional(v.string(), String(def)),
    v.transform((s) => (s.trim() === '' ? def : Number(s))),
    v.number('must be a number'),
    v.integer('must be a whole number'),
    v.minValue(min, `must be >= ${min}`),
    v.maxValue(max, `must be <= ${max}`),
  )
const str = (def: string) => v.optional(v.string(), def)
const bool = (def: boolean) =>
  v.pipe(
    v.optional(v.string(), String(def)),
    v.transform((s) => s.trim().toLowerCase()),
    v.picklist(['true', 'false', '1', '0', 'yes', 'no', ''], 'must be true or false'),
    v.transform((s) => (s === '' ? def : s === 'true' || s === '1' || s === 'yes')),
  )
const url = (def: string) => v.pipe(v.optional(v.string(), def), v.transform((s) => s.trim() || def), v.url('must be a URL'))
const optionalUrl = v.pipe(
  v.optional(v.string(), ''),
  v.transform((s) => s.trim()),
  v.check((s) => s === '' || URL.canParse(s), 'must be a URL or empty'),
)
const list = v.pipe(
  v.optional(v.string(), ''),
  v.transform((s) => s.split(',').map((x) => x.trim()).filter(Boolean)),
)

/** Every variable the gateway reads; `.env.example` documents each with the same defaults. */
export const ConfigSchema = v.object({
  NODE_ENV: str('development'),
  GATEWAY_HOST: str('0.0.0.0'),
  GATEWAY_PORT: int(8080, 0, 65535),
  /** Gateway processes sharing the port (node:cluster). 0/unset = one per core when NODE_ENV=production, else 1. */
  GATEWAY_WORKERS: int(0, 0, 64),
  /**
   * V8's old-generation growth per major GC, in percent (--heap-growing-percent), set at start: lower =
   * smaller heap and RSS, more GC CPU. 0 = V8's own adaptive policy. See README "Benchmark".
   */
  GATEWAY_HEAP_GROWTH_PERCENT: int(50, 0, 1000),
  UPSTREAM_PORT: int(8081, 0, 65535),
  /** Where the Evolution v2 compatible upstream listens; defaults to the local one on UPSTREAM_PORT. */
  UPSTREAM_URL: optionalUrl,
  DATABASE_URL: url('postgres://postgres@127.0.0.1:5432/taguato'),
  DATABASE_POOL_MAX: int(10, 1, 200),
  REDIS_URL: url('redis://127.0.0.1:6379'),
  /** ioredis auto-pipelining (one socket write per event-loop turn for every client's commands); see deps.ts. */
  REDIS_AUTO_PIPELINING: bool(false),
  ADMIN_USERNAME: v.pipe(str('admin'), v.regex(/^[A-Za-z0-9_]{3,50}$/, 'must be 3-50 letters, digits or _')),
  /** Seeded admin password; the launcher generates and prints one when unset. */
  ADMIN_PASSWORD: str(''),
  /** Gateway -> upstream key. Required: the launcher generates one when unset. */
  AUTHENTICATION_API_KEY: v.pipe(v.string('is required'), v.minLength(16, 'must be at least 16 characters')),
  CORS_ORIGIN: str(''),
  /** Peers whose X-Forwarded-For is believed (IPs or CIDRs, comma separated). None by default (D7). */
  TRUSTED_PROXIES: list,
  LOG_LEVEL: v.picklist(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], 'must be a pino level'),
  BODY_LIMIT_MB: int(50, 1, 1024),

  SESSION_TTL_HOURS: int(24, 1, 24 * 365),
  /** How long a replica may trust its in-process copy of a session between Redis checks. */
  SESSION_CACHE_TTL_SECONDS: int(60, 0, 3600),
  /** Requests per 60 s for users whose rate_limit is NULL; 0 = unlimited. */
  RATE_LIMIT_DEFAULT: int(600, 0),
  MESSAGE_IP_RATE: int(5, 0),
  MESSAGE_IP_BURST: int(10, 0),
  STATUS_IP_RATE: int(10, 0),
  STATUS_IP_BURST: int(20, 0),
  LOGIN_MAX_ATTEMPTS: int(5, 1, 100),
  LOGIN_LOCK_MINUTES: int(15, 1, 24 * 60),
  /** Failed logins per client IP per 15 minutes, across usernames (password spraying); 0 = off. */
  LOGIN_IP_MAX_FAILURES: int(30, 0, 100000),
  ARGON2_MEMORY_KIB: int(19456, 19456),
  ARGON2_TIME_COST: int(2, 2, 10),
  /**
   * Password hashes (argon2id, bcrypt) computed at once per process; more wait their turn. Each argon2
   * hash holds ARGON2_MEMORY_KIB of native memory and a libuv thread (shared with file and DNS work).
   */
  PASSWORD_HASH_CONCURRENCY: int(1, 1, 64),

  BREAKER_THRESHOLD: int(5, 1, 1000),
  BREAKER_RESET_SECONDS: int(30, 1, 3600),
  UPSTREAM_CONNECT_TIMEOUT_MS: int(5000, 100),
  UPSTREAM_TIMEOUT_MS: int(30000, 100),

  /** Run the cron workers in this process (each job still runs once across replicas, D12). */
  WORKERS_ENABLED: bool(true),

  SMTP_HOST: str(''),
  SMTP_PORT: int(587, 1, 65535),
  SMTP_USER: str(''),
  SMTP_PASSWORD: str(''),
  SMTP_FROM: str(''),
  SMTP_SECURE: str('tls'),
  RECOVERY_ADMIN_INSTANCE: str(''),
  ALERT_WEBHOOK_URL: optionalUrl,
  ALERT_COOLDOWN_SECONDS: int(300, 0),
  BACKUP_DIR: str('./backups'),
  /** The built web panel (scripts/build-panel.sh output), served at /admin/. Relative to the working directory. */
  PANEL_DIR: str('gateway/public/admin'),
  BACKUP_INTERVAL: int(86400, 60),
  BACKUP_RETENTION: int(7, 1, 1000),
  /** Operations jobs' schedules (node-cron). The backup job's comes from BACKUP_INTERVAL. */
  UPTIME_CRON: str('*/5 * * * *'),
  RECONNECT_CRON: str('*/3 * * * *'),
  CLEANUP_CRON: str('*/5 * * * *'),
  PURGE_CRON: str('0 */6 * * *'),
  /** Retention of the purge job, in days (reference §7.7; uptime kept 90 d for the status page's bars). */
  RETENTION_MESSAGE_LOGS_DAYS: int(90, 1),
  RETENTION_AUDIT_DAYS: int(180, 1),
  RETENTION_RECONNECT_DAYS: int(90, 1),
  RETENTION_UPTIME_DAYS: int(90, 1),
  RETENTION_SESSIONS_DAYS: int(7, 1),
  RETENTION_SCHEDULED_DAYS: int(30, 1),
  /** Days inbound messages (what contacts wrote, GET /api/messages/inbound) are kept by the purge job. */
  RETENTION_INBOUND_DAYS: int(90, 1),
  /** forgot-password requests per hour, per client IP and per account (reference: 3). */
  RECOVERY_HOURLY_LIMIT: int(3, 1, 10000),
  /** verify-reset-code requests per 15 minutes per client IP (the reference had none, §9.7). */
  RECOVERY_VERIFY_LIMIT: int(10, 1, 100000),
  /** Bearer token for GET /metrics; the route is disabled when empty. */
  METRICS_TOKEN: str(''),

  // User features: webhooks and scheduled / bulk messages.
  /** host[:port] entries exempt from the webhook private-address rule (a test's local receiver). */
  WEBHOOK_ALLOWED_HOSTS: list,
  /** Base URL the upstream uses to reach this gateway's internal receivers; empty = http://127.0.0.1:GATEWAY_PORT. */
  GATEWAY_INTERNAL_URL: optionalUrl,
  /** Retry of failed webhook syncs to the upstream (reference: part of the 5-minute cleanup). */
  WEBHOOK_SYNC_CRON: str('*/5 * * * *'),
  /** Attempts (first included) to forward one event to a user's webhook URL. */
  WEBHOOK_FORWARD_ATTEMPTS: int(3, 1, 10),
  WEBHOOK_FORWARD_TIMEOUT_MS: int(10000, 100, 120000),
  /** Scheduled-messages worker tick (6 fields = seconds allowed). */
  SCHEDULED_CRON: str('* * * * *'),
  /** A claimed scheduled message is another worker's to take over once its lease is this old. */
  SCHEDULED_LEASE_SECONDS: int(60, 2, 3600),
  /** Pause between two sends on one instance; 0 = none. */
  SCHEDULED_PACING_MS: int(1000, 0, 600000),
  /** Messages sent at the same time by one worker run (never two on the same instance). */
  SCHEDULED_CONCURRENCY: int(4, 1, 64),
  /** First retry delay of a failed send (doubles: 1 s, 2 s by default). */
  SCHEDULED_RETRY_DELAY_MS: int(1000, 0, 60000),
  /** Scheduled/bulk sends per second per Cloud API (WHATSAPP-BUSINESS) instance (Meta's default: 80). */
  CLOUD_API_MAX_PER_SECOND: int(80, 1, 1000),
  /** Least gap between two scheduled sends to the same recipient on one Cloud API instance (Meta: about 6 s). */
  CLOUD_API_RECIPIENT_GAP_MS: int(6000, 0, 3_600_000),
  /** Attempts (first included) of a scheduled send Meta refused for throughput (130429) or pair rate (131056). */
  SCHEDULED_META_RETRY_ATTEMPTS: int(5, 1, 20),
  /** First delay before retrying such a send; doubles each attempt, capped at 5 minutes. */
  SCHEDULED_META_RETRY_DELAY_MS: int(2000, 0, 300_000),
  /** Add X-Served-By: <pid> to every response (cluster tests, debugging one worker). Reveals pids. */
  EXPOSE_WORKER_ID: bool(false),
  /** Schedule of the heartbeat job (workers/heartbeat.ts), e.g. '* * * * * *'; off when empty. */
  HEARTBEAT_CRON: str(''),
})

export type Config = v.InferOutput<typeof ConfigSchema> & { UPSTREAM_URL: string }

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`)
  }
}

/** Parses an environment (process.env by default); throws ConfigError listing every problem. */
export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const input = { ...env, LOG_LEVEL: env.LOG_LEVEL?.trim() || 'info' }
  const result = v.safeParse(ConfigSchema, input, { abortEarly: false })
  if (!result.success) {
    const problems = result.issues.map((i) => `${v.getDotPath(i) ?? '(env)'} ${i.message}`)
    throw new ConfigError(problems)
  }
  const c = result.output
  return { ...c, UPSTREAM_URL: c.UPSTREAM_URL || `http://127.0.0.1:${c.UPSTREAM_PORT}` }
}

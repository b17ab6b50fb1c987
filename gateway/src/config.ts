/**
 * @module config
 * The gateway's whole configuration, parsed from the environment once at start. A bad value stops the
 * process with a list of every problem (never a half-configured gateway). Nothing else reads process.env.
 */
import * as v from 'valibot'
import { bool, ConfigError, int, list, optionalUrl, parseEnv, str, url } from '../../common/src/config/env-schema.js'

export { ConfigError }

/** Every variable the gateway reads; `.env.example` documents each with the same defaults. */
export const ConfigSchema = v.object({
  /** development, production or test; production also makes GATEWAY_WORKERS=0 mean one per core. */
  NODE_ENV: str('development'),
  /** Address the gateway listens on. */
  GATEWAY_HOST: str('0.0.0.0'),
  /** Port the gateway listens on (every cluster worker shares it). */
  GATEWAY_PORT: int(8080, 0, 65535),
  /** Gateway processes sharing the port (node:cluster). 0/unset = one per core when NODE_ENV=production, else 1. */
  GATEWAY_WORKERS: int(0, 0, 64),
  /**
   * V8's old-generation growth per major GC, in percent (--heap-growing-percent), set at start in every
   * gateway process: lower = smaller heap and RSS, more GC CPU. 0 = V8's own adaptive policy (peak RSS
   * under bench load ~130 MB at 50, ~175-200 MB at 0; docs/benchmarks.md).
   */
  GATEWAY_HEAP_GROWTH_PERCENT: int(50, 0, 1000),
  /** Port of the local upstream; UPSTREAM_URL defaults to http://127.0.0.1:$UPSTREAM_PORT. */
  UPSTREAM_PORT: int(8081, 0, 65535),
  /**
   * Where the Evolution v2 compatible upstream listens; empty = the local one on UPSTREAM_PORT. With
   * several upstream replicas: any of them (or a name that resolves to all), used for what names no
   * instance and whenever the owner map does not know better.
   */
  UPSTREAM_URL: optionalUrl,
  /**
   * How often each gateway process reads the upstream's placement (which replica runs each instance) to
   * send requests straight to the owner. 0 = off: everything goes to UPSTREAM_URL, whose replica forwards.
   */
  UPSTREAM_PLACEMENT_REFRESH_MS: int(2000, 0, 600_000),
  /** PostgreSQL (gateway and upstream share the database, in schemas `taguato` and `upstream`). Created if missing. */
  DATABASE_URL: url('postgres://postgres@127.0.0.1:5432/taguato'),
  /** PostgreSQL connections per gateway process. */
  DATABASE_POOL_MAX: int(10, 1, 200),
  /**
   * Connect timeout of each PostgreSQL connection attempt, in ms. While PostgreSQL is unreachable the
   * pool's circuit answers at once (503 "Database unavailable"); this bounds the attempts that probe it.
   */
  DATABASE_CONNECT_TIMEOUT_MS: int(1000, 100, 60_000),
  /** Redis: session cache and revocation, per-user rate limits, status cache, cache invalidation; shared by every replica. */
  REDIS_URL: url('redis://127.0.0.1:6379'),
  /**
   * ioredis auto-pipelining instead of the gateway's own write batching (one corked socket write per
   * event-loop turn, lib/redis-write-batch.ts). Both send a turn's commands in one write; auto-pipelining's
   * per-turn objects cost more garbage collection (docs/benchmarks.md).
   */
  REDIS_AUTO_PIPELINING: bool(false),
  /**
   * How long a Redis command may take before it fails, in ms. A stalled Redis then costs a request this
   * long at most and the fallbacks start (sessions from PostgreSQL, in-memory rate limits).
   */
  REDIS_COMMAND_TIMEOUT_MS: int(1000, 50, 60_000),
  /** Seeded admin account, created at start when missing. */
  ADMIN_USERNAME: v.pipe(str('admin'), v.regex(/^[A-Za-z0-9_]{3,50}$/, 'must be 3-50 letters, digits or _')),
  /** Seeded admin password; npm start generates one when unset, stores it in .data/generated.env and prints it once. */
  ADMIN_PASSWORD: str(''),
  /**
   * Gateway -> upstream key (Evolution's global key, 16+ characters). Required: npm start generates one
   * (32 random bytes, hex) into .data/generated.env on the first run when unset.
   */
  AUTHENTICATION_API_KEY: v.pipe(v.string('is required'), v.minLength(16, 'must be at least 16 characters')),
  /** The one origin sent in Access-Control-Allow-Origin; empty = no CORS headers. */
  CORS_ORIGIN: str(''),
  /** Peers whose X-Forwarded-For is believed (IPs or CIDRs, comma separated). None by default (D7, docs/decisions.md#d7). */
  TRUSTED_PROXIES: list,
  /** pino level: fatal, error, warn, info, debug, trace or silent. */
  LOG_LEVEL: v.pipe(
    v.optional(v.string(), 'info'),
    v.transform((s) => s.trim() || 'info'),
    v.picklist(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], 'must be a pino level'),
  ),
  /** Largest accepted JSON body, in MiB. */
  BODY_LIMIT_MB: int(50, 1, 1024),
  /**
   * How long a client may take to send a request's headers, and then its body once the gateway reads
   * it, in ms: a stalled or trickling request is answered 408 and its connection closed (any upstream
   * hop it started is aborted) instead of holding a socket until the client gives up.
   */
  REQUEST_BODY_TIMEOUT_MS: int(30000, 100, 3_600_000),

  /** Session lifetime in hours (sliding: every request extends it). */
  SESSION_TTL_HOURS: int(24, 1, 24 * 365),
  /** Requests per 60 s for users whose rate_limit is NULL; 0 = unlimited. */
  RATE_LIMIT_DEFAULT: int(600, 0),
  /** Per-IP limit on /message/*: requests per second (token bucket). */
  MESSAGE_IP_RATE: int(5, 0),
  /** Per-IP burst on /message/*. */
  MESSAGE_IP_BURST: int(10, 0),
  /** Per-IP limit on /api/status: requests per second. */
  STATUS_IP_RATE: int(10, 0),
  /** Per-IP burst on /api/status. */
  STATUS_IP_BURST: int(20, 0),
  /** The public status page's title (header, h1 and browser tab). */
  STATUS_PAGE_TITLE: v.pipe(str('TAGUATO-SEND'), v.maxLength(80, 'must be at most 80 characters')),
  /** The status page's logo: a path on this gateway (/...) or an https URL; empty = the panel's letter mark. */
  STATUS_LOGO_URL: v.pipe(
    str(''),
    v.check((s) => s === '' || /^\/(?!\/)/.test(s) || (/^https:\/\//i.test(s) && URL.canParse(s)), 'must be a /path or an https URL'),
  ),
  /**
   * Public names of the four checked services, `Internal=Public` pairs, comma separated; a service not
   * listed keeps its internal name. The status page never shows the internal ones by default.
   */
  STATUS_SERVICE_NAMES: v.pipe(
    str('Gateway=API,Evolution API=WhatsApp connection,PostgreSQL=Database,Redis=Queue and cache'),
    v.check((s) => s.split(',').every((p) => p.trim() === '' || /^[^=]+=[^=]+$/.test(p.trim())), 'must be Internal=Public pairs, comma separated'),
  ),
  /** Requests per second per client IP on the public GET/POST /webhook/meta (Meta's callbacks); 0 = no limit. */
  META_WEBHOOK_IP_RATE: int(50, 0),
  /** Burst of that per-IP bucket (Meta delivers status callbacks in bursts). */
  META_WEBHOOK_IP_BURST: int(200, 0),
  /** Login lockout: failed logins of one account before it is locked. */
  LOGIN_MAX_ATTEMPTS: int(5, 1, 100),
  /** Login lockout: how long the lock lasts, in minutes. */
  LOGIN_LOCK_MINUTES: int(15, 1, 24 * 60),
  /**
   * Failed logins per client IP per 15 minutes, across usernames (password spraying), then 429; 0 = off.
   * Behind a reverse proxy set TRUSTED_PROXIES, or every client shares the proxy's address.
   */
  LOGIN_IP_MAX_FAILURES: int(30, 0, 100000),
  /** argon2id memory cost in KiB (minimum 19456). */
  ARGON2_MEMORY_KIB: int(19456, 19456),
  /** argon2id passes (minimum 2). */
  ARGON2_TIME_COST: int(2, 2, 10),
  /**
   * Password hashes (argon2id, bcrypt) computed at once per process; more wait their turn. Each argon2
   * hash holds ARGON2_MEMORY_KIB of native memory and a libuv thread (shared with file and DNS work).
   * With one process per core (the production default) every core still hashes.
   */
  PASSWORD_HASH_CONCURRENCY: int(1, 1, 64),

  /** Circuit breaker around the upstream: failures before it opens. */
  BREAKER_THRESHOLD: int(5, 1, 1000),
  /** Circuit breaker: seconds open before a half-open trial. */
  BREAKER_RESET_SECONDS: int(30, 1, 3600),
  /**
   * Circuit breaker: a proxied call still unanswered after this many ms counts as one failure at that
   * moment (a stalled upstream opens the breaker within seconds); 0 = slow calls never count. Calls whose
   * client body is still streaming are exempt.
   */
  BREAKER_SLOW_CALL_MS: int(5000, 0),
  /** Upstream connect timeout, in ms. */
  UPSTREAM_CONNECT_TIMEOUT_MS: int(5000, 100),
  /**
   * Upstream read (idle) timeout, in ms: the longest the upstream may stay silent during a proxied
   * request, as nginx's proxy_read_timeout. Sends also have the whole-request UPSTREAM_SEND_TIMEOUT_MS.
   */
  UPSTREAM_TIMEOUT_MS: int(30000, 100),
  /**
   * Whole-request deadline of a send (/message/*, /webhook/meta), in ms: from the moment the gateway
   * starts the request upstream (the client's body is in) to the last byte of the upstream's answer;
   * past it the client gets 504 "WhatsApp API timeout" (the message may still go out). Media sends
   * (sendMedia, sendPtv, sendWhatsAppAudio, sendSticker, sendStatus) get the larger of this and UPSTREAM_TIMEOUT_MS.
   */
  UPSTREAM_SEND_TIMEOUT_MS: int(15000, 100),

  /** Run the cron workers in this process (each job still runs once across replicas, D12 (docs/decisions.md#d12)). */
  WORKERS_ENABLED: bool(true),

  /** SMTP server for password recovery and alerts; mail is off while empty. */
  SMTP_HOST: str(''),
  /** SMTP port. */
  SMTP_PORT: int(587, 1, 65535),
  /** SMTP user (empty = no authentication). */
  SMTP_USER: str(''),
  /** SMTP password. */
  SMTP_PASSWORD: str(''),
  /** Sender address of recovery and alert mails. */
  SMTP_FROM: str(''),
  /** ssl = implicit TLS, tls = STARTTLS required, anything else = plain. */
  SMTP_SECURE: str('tls'),
  /** Instance used to send recovery codes by WhatsApp; empty = WhatsApp recovery off. */
  RECOVERY_ADMIN_INSTANCE: str(''),
  /** Alerts (breaker open, instances down...) are POSTed here as JSON; empty = no alert webhook. */
  ALERT_WEBHOOK_URL: optionalUrl,
  /** At most one alert per kind per this many seconds. */
  ALERT_COOLDOWN_SECONDS: int(300, 0),
  /** Directory of the pg_dump backups. */
  BACKUP_DIR: str('./backups'),
  /** The built web panel (scripts/build-panel.sh output), served at /admin/. Relative to the working directory. */
  PANEL_DIR: str('gateway/public/admin'),
  /** Seconds between automatic backups, run as a cron (86400 = daily at 00:00 UTC). */
  BACKUP_INTERVAL: int(86400, 60),
  /** Automatic backups kept; older automatic ones are deleted (manual backups never are). */
  BACKUP_RETENTION: int(7, 1, 1000),
  /** Schedule (node-cron) of the uptime job: probes gateway, upstream, PostgreSQL and Redis for the status page. */
  UPTIME_CRON: str('*/5 * * * *'),
  /** Schedule of the reconnect job: reconnects instances that were open and dropped (with backoff). */
  RECONNECT_CRON: str('*/3 * * * *'),
  /** Schedule of the cleanup job: expires sessions, requeues stuck scheduled messages, drops old reset codes. */
  CLEANUP_CRON: str('*/5 * * * *'),
  /** Schedule of the purge job (the RETENTION_* limits). */
  PURGE_CRON: str('0 */6 * * *'),
  /** Purge: message_logs rows older than this many days (R8, docs/decisions.md#r8). */
  RETENTION_MESSAGE_LOGS_DAYS: int(90, 1),
  /**
   * Most message-log rows waiting for PostgreSQL (Redis list + local journal) before new sends are refused
   * with 503: every answered send's row is durable first (docs/operations.md, "Message log durability").
   * An alert goes out at 80 %.
   */
  MESSAGE_LOG_BUFFER_MAX: int(100000, 100, 10_000_000),
  /** Local append-only journal of message-log rows Redis did not take (Redis down); replayed by any process on this host. */
  MESSAGE_LOG_JOURNAL_DIR: str('./.data/message-log'),
  /** Purge: audit_log rows, in days. */
  RETENTION_AUDIT_DAYS: int(180, 1),
  /** Purge: reconnect_log rows, in days. */
  RETENTION_RECONNECT_DAYS: int(90, 1),
  /** Purge: uptime_checks rows, in days (the status page's bars show 90 days). */
  RETENTION_UPTIME_DAYS: int(90, 1),
  /** Purge: inactive sessions, in days. */
  RETENTION_SESSIONS_DAYS: int(7, 1),
  /** Purge: completed, failed or cancelled scheduled messages, in days. */
  RETENTION_SCHEDULED_DAYS: int(30, 1),
  /** Days inbound messages (what contacts wrote, GET /api/messages/inbound) are kept by the purge job. */
  RETENTION_INBOUND_DAYS: int(90, 1),
  /** Purge: delivered webhook deliveries and dead letters (with their attempt logs), days after their last change. */
  RETENTION_WEBHOOK_DELIVERIES_DAYS: int(30, 1),
  /** forgot-password requests per hour, per client IP and per account (reference: 3). */
  RECOVERY_HOURLY_LIMIT: int(3, 1, 10000),
  /** verify-reset-code requests per 15 minutes per client IP, 429 beyond (the reference had none, R3 (docs/decisions.md#r3)). */
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
  /** Attempts (first included) to deliver one event to a user's webhook URL; then it is a dead letter. */
  WEBHOOK_DELIVERY_ATTEMPTS: int(5, 1, 20),
  /** Delay before the first retry of a webhook delivery, in seconds; doubles (with jitter) per retry. */
  WEBHOOK_DELIVERY_RETRY_DELAY_SECONDS: int(10, 1, 3600),
  /** Consecutive dead letters that disable a webhook (its owner is told); 0 = never disable. */
  WEBHOOK_DISABLE_AFTER_DEAD: int(20, 0, 100000),
  /** Per-attempt timeout when forwarding an event to a user's webhook, in ms. */
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
  /** Sends per minute per Baileys instance (docs/delivery-guarantees.md#queued-sends-and-budgets); 0 = unlimited. Synchronous sends over it get 429. */
  SEND_BUDGET_PER_MINUTE: int(20, 0, 100000),
  /** Distinct recipients per UTC day per Baileys instance; 0 = unlimited. */
  SEND_BUDGET_NEW_RECIPIENTS_PER_DAY: int(200, 0, 10_000_000),
  /** Days a newly linked number ramps up to its full budgets; 0 = no warm-up. */
  SEND_WARMUP_DAYS: int(7, 0, 365),
  /** A newly linked number's budgets on its first day, in percent of the full ones (ramps to 100 % over SEND_WARMUP_DAYS). */
  SEND_WARMUP_START_PERCENT: int(20, 1, 100),
  /** Budget Cloud API (WHATSAPP-BUSINESS) instances too (off: Meta rate-limits them itself). */
  SEND_BUDGET_CLOUD_API: bool(false),
  /** A queued send not delivered within this many seconds fails ("expired"). */
  QUEUED_SEND_TTL_SECONDS: int(86400, 10, 30 * 86400),
  /** Add X-Served-By: <pid> to every response (cluster tests, debugging one worker). Reveals pids. */
  EXPOSE_WORKER_ID: bool(false),
  /** Schedule of the heartbeat job (workers/heartbeat.ts), e.g. '* * * * * *'; off when empty. */
  HEARTBEAT_CRON: str(''),
  /** Ban signals: this many 4xx nacks of one instance within BAN_NACK_BURST_WINDOW_SECONDS pause its sending. */
  BAN_NACK_BURST_COUNT: int(5, 1, 1000),
  /** Ban signals: the window of BAN_NACK_BURST_COUNT, in seconds. */
  BAN_NACK_BURST_WINDOW_SECONDS: int(600, 1, 86_400),
  /** A sent message with no server ack after this many seconds becomes `unconfirmed` (workers/stuck-messages.ts). */
  STUCK_MESSAGE_TIMEOUT_SECONDS: int(600, 1, 604_800),
  /** Schedule of the stuck-message worker (6 fields = seconds allowed). */
  STUCK_MESSAGES_CRON: str('* * * * *'),
  /** Alert when more than this percentage of an instance's last UNCONFIRMED_ALERT_SAMPLE sends are unconfirmed. */
  UNCONFIRMED_ALERT_PERCENT: int(20, 1, 100),
  /** How many of an instance's latest sends the unconfirmed share is computed over. */
  UNCONFIRMED_ALERT_SAMPLE: int(50, 1, 10_000),
})

export type Config = v.InferOutput<typeof ConfigSchema> & { UPSTREAM_URL: string }

/** Parses an environment (process.env by default); throws ConfigError listing every problem. */
export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const c = parseEnv(ConfigSchema, { ...env, LOG_LEVEL: env.LOG_LEVEL?.trim() || 'info' })
  return { ...c, UPSTREAM_URL: c.UPSTREAM_URL || `http://127.0.0.1:${c.UPSTREAM_PORT}` }
}

/**
 * @module upstream/config
 * The upstream's whole configuration, parsed from the environment once at start. A bad value stops the
 * process with a list of every problem. Nothing else in upstream/ reads process.env.
 */
import * as v from 'valibot'
import { bool, ConfigError, int, list, optionalHttpUrl as optionalUrl, parseEnv, str } from '../../common/src/config/env-schema.js'

export { ConfigError }
import { parseResolveTable } from '../../common/src/outbound-guard/index.js'

/** Every variable the upstream reads; upstream/AGENTS.md documents each with the same defaults. */
export const UpstreamConfigSchema = v.object({
  /** Address the upstream listens on. */
  UPSTREAM_HOST: str('0.0.0.0'),
  /** Port the upstream listens on. */
  UPSTREAM_PORT: int(8081, 0, 65535),
  /** PostgreSQL; the upstream keeps its state in schema `upstream` of the shared database. */
  DATABASE_URL: v.pipe(
    str('postgres://postgres@127.0.0.1:5432/taguato'),
    v.check((s) => /^postgres(ql)?:\/\//.test(s) && URL.canParse(s), 'must be a postgres:// URL'),
  ),
  /** PostgreSQL connections of the upstream process. */
  DATABASE_POOL_MAX: int(5, 1, 100),
  /** Connect timeout of each PostgreSQL connection attempt, in ms (while it is unreachable, queries fail at once: 503). */
  DATABASE_CONNECT_TIMEOUT_MS: int(1000, 100, 60_000),
  /** The global key (Evolution's AUTHENTICATION_API_KEY): allowed on every route. */
  AUTHENTICATION_API_KEY: v.pipe(v.string('is required'), v.transform((s) => s.trim()), v.minLength(1, 'is required')),
  /**
   * Which WhatsApp backends serve the instances. `sandbox`: every instance on the simulator (offline,
   * the default of npm start and the tests). `real`: by integration, WHATSAPP-BAILEYS -> Baileys
   * (WhatsApp Web), WHATSAPP-BUSINESS -> the Cloud API. The seam is driver/index.ts.
   */
  UPSTREAM_DRIVER: v.pipe(str('sandbox'), v.picklist(['sandbox', 'real'], 'must be one of: sandbox, real')),
  /** Baileys: the client (first element of the browser tuple) shown under the phone's linked devices (Evolution's CONFIG_SESSION_PHONE_CLIENT). */
  CONFIG_SESSION_PHONE_CLIENT: str('Taguato'),
  /** Baileys: the browser name shown under the phone's linked devices, e.g. Chrome (Evolution's CONFIG_SESSION_PHONE_NAME). */
  CONFIG_SESSION_PHONE_NAME: str('Chrome'),
  /** Baileys: the WhatsApp Web version sent (`2.3000.1023204200`); empty = the one bundled with Baileys. A 405 close means it is stale. */
  CONFIG_SESSION_PHONE_VERSION: v.pipe(str(''), v.regex(/^(\d+\.\d+\.\d+)?$/, 'must be empty or like 2.3000.1023204200')),
  /** Baileys: the WebSocket URL (empty = WhatsApp's own). Tests point it at loopback. */
  BAILEYS_WS_URL: v.pipe(str(''), v.check((s) => s === '' || /^wss?:\/\//i.test(s) && URL.canParse(s), 'must be a ws(s):// URL or empty')),
  /** Baileys: first reconnect delay after network trouble (doubles per failed retry, +-20 % jitter, reset on open). */
  BAILEYS_RECONNECT_MIN_MS: int(1000, 0, 3_600_000),
  /** Baileys: longest reconnect delay (the backoff's cap). */
  BAILEYS_RECONNECT_MAX_MS: int(300_000, 0, 86_400_000),
  /** Baileys: liveness probe period of an open socket; a probe without answer closes it (0 = off). */
  BAILEYS_LIVENESS_MS: int(60_000, 0, 3_600_000),
  /** Cloud API: Meta's Graph API base URL (tests point it at a loopback fake). */
  GRAPH_API_URL: v.pipe(
    str('https://graph.facebook.com/v21.0'),
    v.check((s) => /^https?:\/\//i.test(s) && URL.canParse(s), 'must be an http(s) URL'),
    v.transform((s) => s.replace(/\/+$/, '')),
  ),
  /** Cloud API: the verify token Meta echoes on GET /webhook/meta (hub.verify_token). Empty = verification refused. */
  WA_BUSINESS_VERIFY_TOKEN: str(''),
  /** Cloud API: the Meta app secret; POST /webhook/meta must carry X-Hub-Signature-256 made with it. Empty = every POST refused. */
  WA_BUSINESS_APP_SECRET: str(''),
  /** Cloud API: per-request timeout towards the Graph API. */
  GRAPH_API_TIMEOUT_MS: int(15_000, 100, 300_000),
  /** After a QR is shown, pretend the phone scanned it after this many ms. 0 = only the scan route. */
  SANDBOX_AUTOCONNECT_MS: int(0, 0, 3_600_000),
  /** Gap between the simulated acks SERVER_ACK -> DELIVERY_ACK -> READ. -1 = no automatic acks. */
  SANDBOX_ACK_DELAY_MS: int(200, -1, 3_600_000),
  /** QR rotation period while unscanned (Evolution: ~45 s). 0 = never rotate. */
  SANDBOX_QR_ROTATE_MS: int(45_000, 0, 3_600_000),
  /** Rotations before the QR is refused (Evolution's QRCODE_LIMIT). */
  QRCODE_LIMIT: int(30, 1, 1000),
  /** Dark colour of the QR PNG (Evolution's QRCODE_COLOR). */
  QRCODE_COLOR: v.pipe(str('#198754'), v.regex(/^#[0-9a-fA-F]{6}$/, 'must be a #rrggbb colour')),
  /** `server_url` in every webhook envelope (Evolution's SERVER_URL). */
  UPSTREAM_SERVER_URL: str('http://localhost:8081'),
  /** `clientName` on GET / and fetchInstances rows (Evolution's DATABASE_CONNECTION_CLIENT_NAME). */
  DATABASE_CONNECTION_CLIENT_NAME: str('evolution_exchange'),
  /** Every event is also POSTed here when set (Evolution's WEBHOOK_GLOBAL_URL). */
  WEBHOOK_GLOBAL_URL: optionalUrl,
  /** Append `/<kebab-event>` to the global URL (Evolution's WEBHOOK_GLOBAL_WEBHOOK_BY_EVENTS). */
  WEBHOOK_GLOBAL_WEBHOOK_BY_EVENTS: bool(false),
  /** Delivery attempts per event and target (first try included). */
  WEBHOOK_RETRY_MAX_ATTEMPTS: int(4, 1, 10),
  /** First backoff; doubles per attempt with +-20 % jitter, capped by WEBHOOK_RETRY_MAX_DELAY_MS. */
  WEBHOOK_RETRY_INITIAL_DELAY_MS: int(1000, 0, 300_000),
  /** Cap of the webhook retry backoff. */
  WEBHOOK_RETRY_MAX_DELAY_MS: int(30_000, 0, 3_600_000),
  /** Per-attempt timeout of a webhook POST. */
  WEBHOOK_TIMEOUT_MS: int(10_000, 100, 300_000),
  /** Largest media file the upstream downloads from a `media` URL (bytes); larger is a 400. */
  MEDIA_MAX_BYTES: int(64 * 1024 * 1024, 1024, 2 * 1024 * 1024 * 1024),
  /** Deadline for downloading one `media` URL, redirects included. */
  MEDIA_FETCH_TIMEOUT_MS: int(30_000, 100, 600_000),
  /**
   * Days the chat store keeps messages (by WhatsApp time) and their status history (by write time); an
   * hourly job deletes older ones. 0 = keep forever, the default: Evolution never deletes, and a client
   * reading findMessages must not lose history silently; set it where disk or privacy rules ask.
   */
  MESSAGE_RETENTION_DAYS: int(0, 0, 36_500),
  /**
   * TESTS ONLY: host or host:port entries the outbound-request guard lets through although they are
   * loopback/private (a test receiver on 127.0.0.1). Never put a user-reachable host here.
   */
  OUTBOUND_ALLOWED_HOSTS: list,
  /** TESTS ONLY: `name=ip,...` answered in front of DNS by the outbound-request guard. Refused when NODE_ENV=production. */
  OUTBOUND_TEST_RESOLVE: v.pipe(
    str(''),
    v.check((s) => {
      try {
        parseResolveTable(s)
        return true
      } catch {
        return false
      }
    }, 'must be name=ip entries separated by commas'),
  ),
  /**
   * Stable id of this replica among the upstream replicas sharing the database (placement and leases are
   * keyed by it). Empty = `<hostname>:<UPSTREAM_PORT>`, stable in a StatefulSet or a compose container.
   */
  UPSTREAM_NODE_ID: v.pipe(str(''), v.maxLength(200, 'must be at most 200 characters')),
  /**
   * URL the other replicas and the gateway reach this replica at. Empty = http://<UPSTREAM_HOST, or the
   * host's first non-loopback IPv4 when listening on every address>:<UPSTREAM_PORT>.
   */
  UPSTREAM_ADVERTISE_URL: v.pipe(str(''), v.check((s) => s === '' || (/^https?:\/\//i.test(s) && URL.canParse(s)), 'must be an http(s) URL or empty')),
  /** An instance's ownership lease: renewed every third of it; a replica that cannot renew closes the session before it ends. */
  LEASE_TTL_MS: int(15_000, 1000, 600_000),
  /** Heartbeat and placement period of every replica (changes also wake it at once through PostgreSQL NOTIFY). */
  PLACEMENT_INTERVAL_MS: int(2000, 100, 60_000),
  /** How long a request for an instance between two owners (a handover, a failover) waits before 503 + Retry-After. */
  HANDOVER_WAIT_MS: int(10_000, 0, 120_000),
  /** pino level: fatal, error, warn, info, debug, trace or silent. */
  LOG_LEVEL: v.pipe(str('info'), v.picklist(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], 'must be a pino level')),
})

export type UpstreamConfig = v.InferOutput<typeof UpstreamConfigSchema>

/** Parses the environment (defaults to process.env); throws ConfigError listing every bad variable. */
export function loadConfig(env: Record<string, string | undefined> = process.env): UpstreamConfig {
  const config = parseEnv(UpstreamConfigSchema, env, 'invalid upstream configuration')
  // A fixed DNS table in production would be a way around the guard; it exists for tests.
  if (env.NODE_ENV === 'production' && config.OUTBOUND_TEST_RESOLVE !== '') throw new ConfigError(['OUTBOUND_TEST_RESOLVE must be empty when NODE_ENV=production'], 'invalid upstream configuration')
  return config
}

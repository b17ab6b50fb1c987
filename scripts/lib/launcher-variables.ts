/**
 * @module scripts/lib/launcher-variables
 * Variables read outside the two services' config schemas, with their defaults: by the launcher scripts
 * (npm start, npm test, npm run bench) and by docker-compose.yml. The `/** *\/` comment above each key is
 * its documentation: docs/configuration.md is generated from it (npm run docs:config), and
 * scripts/docs/config-table.test.ts fails when a script or the compose file reads a variable missing here.
 * (The launcher's DATABASE_URL, REDIS_URL, ports and ADMIN_USERNAME are the services' own variables.)
 */

/** Read by scripts/start.ts, scripts/test.ts and the bench (scripts/lib/*). */
export const LAUNCHER_VARIABLES = {
  /**
   * auto: use DATABASE_URL / REDIS_URL when they answer, else start private servers under ./.data/;
   * 1: always private servers; 0: never (fail when the configured servers do not answer).
   */
  TAGUATO_PRIVATE_SERVICES: 'auto',
  /** Where private servers, generated secrets (generated.env) and npm start's logs live. */
  TAGUATO_DATA_DIR: './.data',
  /** How long upstream and gateway may take to answer their readiness probe, in ms. */
  TAGUATO_READY_TIMEOUT_MS: '120000',
  /** Entry file of the upstream (to try the launcher against a stand-in; rarely useful). */
  TAGUATO_UPSTREAM_ENTRY: 'upstream/src/server.ts',
  /** Entry file of the gateway (as above). */
  TAGUATO_GATEWAY_ENTRY: 'gateway/src/server.ts',
  /** npm test: seconds one bats test may run before it is failed. */
  BATS_TEST_TIMEOUT: '180',
  /** npm run bench: V8 flags for the gateway process only (cluster workers inherit them), e.g. `--max-semi-space-size=4`. */
  BENCH_GATEWAY_NODE_ARGS: '',
  /** npm run bench --cpu-prof: sampling interval in µs (larger disturbs a saturated run less). */
  BENCH_PROFILE_INTERVAL_US: '200',
} as const

/** Read by docker-compose.yml only (the services get the URLs built from them). */
export const COMPOSE_VARIABLES = {
  /** Password of the compose stack's PostgreSQL user. Required; URL-safe (it is embedded in DATABASE_URL), e.g. `openssl rand -hex 24`. */
  POSTGRES_PASSWORD: '',
  /** Database the compose stack's PostgreSQL creates and both services use. */
  POSTGRES_DB: 'taguato',
  /** PostgreSQL user of the compose stack. */
  POSTGRES_USER: 'taguato',
  /** Password of the compose stack's Redis (`--requirepass`). Required; URL-safe (it is embedded in REDIS_URL). */
  REDIS_PASSWORD: '',
  /** Host port the gateway is published on. */
  GATEWAY_PUBLISH_PORT: '8080',
} as const

/**
 * Variables the scripts set for their own child processes (never by an operator), so the drift test
 * does not ask for them to be documented.
 */
export const INTERNAL_VARIABLES = [
  'PATH',
  'BENCH_PORT',
  'BENCH_TARGET',
  'BENCH_LOG',
  'BENCH_TOKEN',
  'BENCH_REDIS_URL',
  'BENCH_ALLOC_PROFILE',
  'BENCH_CPU_PROFILE',
  'BENCH_GATEWAY_MODULE',
  'BENCH_MEMLOG',
  'BENCH_PROFILE_DIR',
  'BENCH_PRIORITY',
  'TAGUATO_STACK_ENV_FILE',
  'TAGUATO_EXTRA_DIR',
  'TAGUATO_LOG_DIR',
] as const

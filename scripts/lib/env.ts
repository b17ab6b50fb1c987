/**
 * @module scripts/lib/env
 * The launcher's own view of the environment: `.env` loading and the few variables the scripts read,
 * parsed with valibot so a typo fails early with a clear message (the services validate the rest).
 */
import fs from 'node:fs'
import path from 'node:path'
import dotenv from 'dotenv'
import * as v from 'valibot'
import { REPO_ROOT } from './paths.js'

export type Env = Record<string, string>

export const DEFAULT_DATABASE_URL = 'postgres://postgres@127.0.0.1:5432/taguato'
export const DEFAULT_REDIS_URL = 'redis://127.0.0.1:6379'

/**
 * glibc settings for the gateway, for argon2's 19 MiB block per password hash. By default glibc keeps
 * the block in the malloc arena of whichever libuv thread ran the hash: RSS +19 MiB per thread, up to
 * four. Handing it back after each hash (a fixed MALLOC_MMAP_THRESHOLD_) means faulting 19 MiB in again
 * next time, which on this VM cost more than the hash (CPU per verify 25 -> 88 ms, measured in isolation)
 * unless the block comes back in 2 MiB transparent huge pages (glibc.malloc.hugetlb=1: 35 ms). So:
 *  - THP available (madvise or always): block returned after each hash, faulted back in huge pages;
 *  - otherwise: one malloc arena, so the hashes (one at a time, PASSWORD_HASH_CONCURRENCY) reuse one
 *    block that stays resident.
 * Only glibc reads these; musl (the Docker image) maps large blocks afresh and returns them at once.
 * The caller's own MALLOC_* or GLIBC_TUNABLES settings win.
 */
export function mallocEnv(env: Env): Env {
  const own = Object.keys({ ...process.env, ...env }).some((k) => k.startsWith('MALLOC_') || k === 'GLIBC_TUNABLES')
  if (own) return {}
  return hugePagesOnRequest() ? { MALLOC_MMAP_THRESHOLD_: '131072', GLIBC_TUNABLES: 'glibc.malloc.hugetlb=1' } : { MALLOC_ARENA_MAX: '1' }
}

/** Whether the kernel gives transparent huge pages to memory that asks for them. */
function hugePagesOnRequest(): boolean {
  try {
    return !fs.readFileSync('/sys/kernel/mm/transparent_hugepage/enabled', 'utf8').includes('[never]')
  } catch {
    return false
  }
}

const port = (def: number) =>
  v.pipe(
    v.optional(v.string(), String(def)),
    v.transform((s) => (s.trim() === '' ? def : Number(s))),
    v.number('must be a number'),
    v.integer('must be a whole number'),
    v.minValue(1, 'must be >= 1'),
    v.maxValue(65535, 'must be <= 65535'),
  )
const urlWithScheme = (def: string, schemes: RegExp, what: string) =>
  v.pipe(
    v.optional(v.string(), def),
    v.transform((s) => s.trim() || def),
    v.check((s) => schemes.test(s) && URL.canParse(s), `must be a ${what} URL`),
  )

/** Variables read by the launcher scripts (not by the services). */
const LauncherSchema = v.object({
  DATABASE_URL: urlWithScheme(DEFAULT_DATABASE_URL, /^postgres(ql)?:\/\//, 'postgres://'),
  REDIS_URL: urlWithScheme(DEFAULT_REDIS_URL, /^rediss?:\/\//, 'redis://'),
  /** auto: use the configured servers when they answer, else private ones; 1: always private; 0: never. */
  TAGUATO_PRIVATE_SERVICES: v.pipe(
    v.optional(v.string(), 'auto'),
    v.transform((s) => s.trim().toLowerCase() || 'auto'),
    v.picklist(['auto', '1', 'true', 'yes', '0', 'false', 'no'], 'must be auto, 1 or 0'),
    v.transform((s): 'auto' | 'always' | 'never' => (s === 'auto' ? 'auto' : ['1', 'true', 'yes'].includes(s) ? 'always' : 'never')),
  ),
  GATEWAY_PORT: port(8080),
  UPSTREAM_PORT: port(8081),
  ADMIN_USERNAME: v.pipe(v.optional(v.string(), 'admin'), v.transform((s) => s.trim() || 'admin')),
  /** How long a service may take to answer its readiness probe. */
  TAGUATO_READY_TIMEOUT_MS: v.pipe(
    v.optional(v.string(), '120000'),
    v.transform((s) => Number(s.trim() || '120000')),
    v.number(),
    v.integer(),
    v.minValue(1000),
  ),
})

export type LauncherEnv = v.InferOutput<typeof LauncherSchema> & {
  /** Whether DATABASE_URL / REDIS_URL were given (env or .env) rather than defaulted. */
  explicit: { database: boolean; redis: boolean }
}

/** Reads `.env` at the repo root into process.env without overriding what the shell already set. */
export function loadDotenv(file = path.join(REPO_ROOT, '.env')): void {
  if (fs.existsSync(file)) dotenv.config({ path: file, override: false, quiet: true })
}

/** The variables of `.env` (empty when absent), without touching process.env. */
export function readDotenvFile(file = path.join(REPO_ROOT, '.env')): Env {
  return fs.existsSync(file) ? dotenv.parse(fs.readFileSync(file)) : {}
}

/** Parses the launcher's variables; throws one error listing every problem. */
export function readLauncherEnv(env: NodeJS.ProcessEnv = process.env): LauncherEnv {
  const picked: Record<string, string> = {}
  for (const key of Object.keys(LauncherSchema.entries)) {
    const value = env[key]
    if (value !== undefined) picked[key] = value
  }
  const result = v.safeParse(LauncherSchema, picked, { abortEarly: false })
  if (!result.success) {
    const problems = result.issues.map((i) => `  - ${v.getDotPath(i) ?? '(env)'} ${i.message}`)
    throw new Error(`invalid launcher configuration:\n${problems.join('\n')}`)
  }
  return {
    ...result.output,
    explicit: { database: Boolean(env.DATABASE_URL?.trim()), redis: Boolean(env.REDIS_URL?.trim()) },
  }
}

/** process.env without undefined values, as a plain record children can extend. */
export function currentEnv(): Env {
  const out: Env = {}
  for (const [k, val] of Object.entries(process.env)) if (val !== undefined) out[k] = val
  return out
}

/** Serialises variables as KEY='value' lines for dotenv (quotes chosen so any value survives). */
export function toEnvFile(vars: Env): string {
  const quote = (val: string) => {
    if (!val.includes("'")) return `'${val}'`
    if (!val.includes('"') && !val.includes('\n')) return `"${val}"`
    return `\`${val}\``
  }
  return Object.entries(vars).map(([k, val]) => `${k}=${quote(val)}`).join('\n') + '\n'
}

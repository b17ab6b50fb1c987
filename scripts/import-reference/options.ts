/**
 * @module scripts/import-reference/options
 * The command line and environment of `npm run import:reference`, validated with valibot so a typo
 * stops the run before it touches a database.
 */
import { parseArgs } from 'node:util'
import * as v from 'valibot'
import { list } from '../../common/src/config/env-schema.js'
import { DEFAULT_DATABASE_URL } from '../lib/env.js'

export const USAGE = `npm run import:reference -- [options]

Imports a TAGUATO-SEND (reference) database into taguato-send. The target is DATABASE_URL (.env is read).

  (no --from)                 upgrade DATABASE_URL in place: back it up (BACKUP_DIR), rename its schema
                              taguato to taguato_reference (kept, never dropped), create ours, copy the rows
  --from <postgres url>       copy the reference database at <url> into DATABASE_URL (a new, empty database)
  --dry-run                   do everything inside one transaction, print the report, roll it all back
  --revoke-sessions           do not keep the reference's active sessions: everyone logs in again
  --timezone <IANA zone>      zone of the reference's timestamps (default: its PostgreSQL server's TimeZone)
  --evolution-from <url>      also import the Evolution API v2 database the reference ran (instances, tokens,
                              settings, webhooks, Baileys creds) into our upstream, so phones stay linked
  --evolution-schema <name>   the schema of Evolution's Prisma tables (default public)
  --evolution-redis <url>     Evolution's Redis (CACHE_REDIS_URI): imports the Baileys signal keys it kept there
  --evolution-redis-prefix <p> its CACHE_REDIS_PREFIX_KEY (default evolution; the reference's .env used taguato)
  --backup-dir <dir>          where the in-place backup is written (default BACKUP_DIR, else ./backups)

Run it again at any time: rows already imported are left as they are (a rerun reports them as present),
and a run that stopped halfway resumes. Step by step: docs/operations.md, "Migrating from TAGUATO-SEND".`

const pgUrl = (name: string) =>
  v.pipe(v.string(), v.trim(), v.check((s) => /^postgres(ql)?:\/\//.test(s) && URL.canParse(s), `${name} must be a postgres:// URL`))
const redisUrl = v.pipe(v.string(), v.trim(), v.check((s) => /^rediss?:\/\//.test(s) && URL.canParse(s), '--evolution-redis must be a redis:// URL'))
const zone = v.pipe(
  v.string(),
  v.trim(),
  v.check((z) => {
    try {
      new Intl.DateTimeFormat('en-US', { timeZone: z })
      return true
    } catch {
      return false
    }
  }, '--timezone must be an IANA zone such as UTC or America/Asuncion'),
)
const schemaName = v.pipe(v.string(), v.regex(/^[A-Za-z_][A-Za-z0-9_]{0,62}$/, '--evolution-schema must be a plain schema name'))

const OptionsSchema = v.object({
  databaseUrl: v.pipe(v.optional(v.string(), DEFAULT_DATABASE_URL), v.transform((s) => s.trim() || DEFAULT_DATABASE_URL), pgUrl('DATABASE_URL')),
  from: v.optional(pgUrl('--from')),
  dryRun: v.boolean(),
  revokeSessions: v.boolean(),
  timezone: v.optional(zone),
  evolutionFrom: v.optional(pgUrl('--evolution-from')),
  evolutionSchema: v.optional(schemaName, 'public'),
  evolutionRedis: v.optional(redisUrl),
  evolutionRedisPrefix: v.optional(v.pipe(v.string(), v.trim(), v.nonEmpty('--evolution-redis-prefix must not be empty')), 'evolution'),
  backupDir: v.pipe(v.optional(v.string(), './backups'), v.transform((s) => s.trim() || './backups')),
  /** The gateway's WEBHOOK_ALLOWED_HOSTS: user webhooks to these hosts skip the address rules, as in the gateway. */
  webhookAllowedHosts: list,
  /** The upstream's OUTBOUND_ALLOWED_HOSTS, for Evolution's own instance webhooks. */
  outboundAllowedHosts: list,
})

export type ImportOptions = v.InferOutput<typeof OptionsSchema>

export class UsageError extends Error {}

/** Options from argv (without node and the script) and the environment; throws UsageError with every problem. */
export function readOptions(argv: string[], env: NodeJS.ProcessEnv): ImportOptions | 'help' {
  let parsed
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: false,
      options: {
        help: { type: 'boolean', short: 'h' },
        'dry-run': { type: 'boolean' },
        'revoke-sessions': { type: 'boolean' },
        from: { type: 'string' },
        timezone: { type: 'string' },
        'evolution-from': { type: 'string' },
        'evolution-schema': { type: 'string' },
        'evolution-redis': { type: 'string' },
        'evolution-redis-prefix': { type: 'string' },
        'backup-dir': { type: 'string' },
      },
    })
  } catch (err) {
    throw new UsageError((err as Error).message)
  }
  const o = parsed.values
  if (o.help) return 'help'
  const input = {
    databaseUrl: env.DATABASE_URL,
    from: o.from,
    dryRun: o['dry-run'] ?? false,
    revokeSessions: o['revoke-sessions'] ?? false,
    timezone: o.timezone,
    evolutionFrom: o['evolution-from'],
    evolutionSchema: o['evolution-schema'],
    evolutionRedis: o['evolution-redis'],
    evolutionRedisPrefix: o['evolution-redis-prefix'],
    backupDir: o['backup-dir'] ?? env.BACKUP_DIR,
    webhookAllowedHosts: env.WEBHOOK_ALLOWED_HOSTS,
    outboundAllowedHosts: env.OUTBOUND_ALLOWED_HOSTS,
  }
  const r = v.safeParse(OptionsSchema, input, { abortEarly: false })
  if (!r.success) throw new UsageError(r.issues.map((i) => i.message).join('\n'))
  if (r.output.evolutionRedis && !r.output.evolutionFrom) throw new UsageError('--evolution-redis needs --evolution-from (the instances its keys belong to)')
  return r.output
}

/** A URL as the report shows it: never its password. */
export function redactUrl(url: string): string {
  const u = new URL(url)
  if (u.password) u.password = '***'
  return u.toString()
}

/**
 * @module scripts/import-reference/run
 * One import run. In place: back schema taguato up with the gateway's own backup code, rename it to
 * taguato_reference (kept), create ours with our migrations, copy. With --from: our schema in the
 * target (migrated), rows read from the source. A run is recorded in taguato.reference_imports before
 * the first row and marked finished after the last, and the gateway will not start in between. A dry
 * run does all of it in one transaction and rolls it back.
 */
import { resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { Sql, TransactionSql } from 'postgres'
import { guardRules } from '../../common/src/outbound-guard/index.js'
import { listMigrations, migrate, migrateInTransaction } from '../../db/migrate.js'
import { referenceImportState, schemaExists } from '../../gateway/src/db/queries/schema-inspection.js'
import { inspectSchema, REFERENCE_KEPT_SCHEMA, type SchemaVerdict } from '../../gateway/src/db/schema-check.js'
import { writeBackup } from '../../gateway/src/services/backups/write.js'
import { checkWebhookUrl } from '../../gateway/src/services/ssrf/ssrf.js'
import { copyAll, type Io } from './copy.js'
import { connect } from './db/connect.js'
import { missingTables } from './db/evolution.js'
import { serverTimeZone, type Db } from './db/source.js'
import { countUsers, finishRun, forgetRun, priorProgress, renameSchema, serverMajor, startRun, type Progress } from './db/target.js'
import { evolutionIntegrations, importEvolution, type EvolutionIo } from './evolution.js'
import { redisKeySource, type KeySource } from './evolution-keys.js'
import { redactUrl, type ImportOptions } from './options.js'
import { newReport, rowsWritten, type Report } from './report.js'
import type { Ctx } from './transforms.js'

const GATEWAY_MIGRATIONS = fileURLToPath(new URL('../../db/migrations', import.meta.url))
const UPSTREAM_MIGRATIONS = fileURLToPath(new URL('../../db/upstream', import.meta.url))
/** The services' own advisory-lock keys (gateway/src/server.ts, upstream/src/db/client.ts). */
const GATEWAY_LOCK = 727_000
const UPSTREAM_LOCK = 727_001

/** A refusal the operator must resolve (printed without a stack; exit code 2). */
export class ImportRefused extends Error {}

type Plan = { mode: Report['mode']; rename: boolean; schema: string }

const describe = (v: SchemaVerdict) => (v.kind === 'empty' ? 'it is empty' : v.kind === 'ours' ? "it is taguato-send's" : v.why)

async function decide(target: Sql, source: Sql | null): Promise<Plan> {
  const ours = await listMigrations(GATEWAY_MIGRATIONS)
  const tv = await inspectSchema(target, ours)
  if (source) {
    const sv = await inspectSchema(source, ours)
    if (sv.kind !== 'reference') throw new ImportRefused(`--from: that database holds no TAGUATO-SEND schema (${describe(sv)})`)
    if (tv.kind === 'reference') throw new ImportRefused('DATABASE_URL itself holds a TAGUATO-SEND schema: to upgrade it in place, run without --from')
    if (tv.kind === 'unknown') throw new ImportRefused(`DATABASE_URL: ${tv.why}`)
    if (tv.kind !== 'empty' && (await referenceImportState(target)).runs === 0) {
      const users = await countUsers(target)
      if (users > 0) {
        throw new ImportRefused(`DATABASE_URL already holds ${users} user(s) that no import wrote (a gateway started on it seeds its admin): ` +
          'import into a new, empty database, then start the gateway on it')
      }
    }
    return { mode: 'copy', rename: false, schema: 'taguato' }
  }
  const kept = await schemaExists(target, REFERENCE_KEPT_SCHEMA)
  if (tv.kind === 'reference') {
    if (kept) throw new ImportRefused(`schema taguato is TAGUATO-SEND's and a ${REFERENCE_KEPT_SCHEMA} exists too: rename or drop one of them first`)
    return { mode: 'in place', rename: true, schema: REFERENCE_KEPT_SCHEMA }
  }
  if (tv.kind === 'unknown') throw new ImportRefused(`DATABASE_URL: ${tv.why}`)
  if (kept) return { mode: 'in place', rename: false, schema: REFERENCE_KEPT_SCHEMA }
  throw new ImportRefused(`DATABASE_URL holds no TAGUATO-SEND schema to import (${describe(tv)}, and there is no ${REFERENCE_KEPT_SCHEMA}); ` +
    'to copy from another database, use --from <its url>')
}

/** The reference's zone: --timezone, else its server's own, which Intl must know to judge sessions. */
async function zoneOf(opts: ImportOptions, db: Db): Promise<string> {
  const zone = opts.timezone ?? (await serverTimeZone(db))
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone })
  } catch {
    throw new ImportRefused(`the reference's server TimeZone is "${zone}", which this tool cannot read: pass --timezone <IANA zone>`)
  }
  return zone
}

const GLOBAL_NOTES = [
  'passwords: bcrypt hashes were kept; each user logs in with the same password and it is rehashed to argon2id then',
  '2FA: TOTP secrets were kept as stored (both systems keep the base32 secret): users with 2FA are asked for their code as before',
  'rate limits: a user with none (NULL) now gets RATE_LIMIT_DEFAULT (600 requests/min); the reference applied none: set RATE_LIMIT_DEFAULT=0 to keep that',
  'webhooks: active ones are pushed to the upstream by the webhook-sync job within 5 minutes of the gateway starting (POST /admin/workers/webhook-sync/run does it at once)',
]

export async function runImport(opts: ImportOptions, say: (line: string) => void): Promise<Report> {
  const target = connect(opts.databaseUrl)
  const source = opts.from ? connect(opts.from) : null
  const evo = opts.evolutionFrom ? connect(opts.evolutionFrom) : null
  const keys: KeySource | null = opts.evolutionRedis ? redisKeySource(opts.evolutionRedis, opts.evolutionRedisPrefix) : null
  try {
    const plan = await decide(target, source)
    const zone = await zoneOf(opts, source ?? target)
    if (evo) {
      const missing = await missingTables(evo, opts.evolutionSchema)
      if (missing.length > 0) throw new ImportRefused(`--evolution-from: no Evolution API v2 tables ${missing.join(', ')} in schema ${opts.evolutionSchema}`)
    }
    const report = newReport({ mode: plan.mode, dryRun: opts.dryRun, source: redactUrl(opts.from ?? opts.databaseUrl), timezone: zone })
    const ctx: Ctx = {
      zone, now: new Date(), revokeSessions: opts.revokeSessions, services: new Map(),
      integrations: evo ? await evolutionIntegrations(evo, opts.evolutionSchema) : new Map(),
      webhookRefusal: async (url) => {
        const v = await checkWebhookUrl(url, { allowedHosts: opts.webhookAllowedHosts, unresolved: 'accept' })
        return v.ok ? null : v.error
      },
    }
    const evolution = (inTx: Io['inTx'], runId: number, prior: Progress): EvolutionIo | null => evo && {
      evo, schema: opts.evolutionSchema, inTx, runId, handled: new Set(Array.isArray(prior['upstream.instances']) ? prior['upstream.instances'] : []),
      keys, outboundRules: guardRules({ allowIPv6: true, allowedHosts: opts.outboundAllowedHosts }),
    }
    report.notes.push(...GLOBAL_NOTES)
    if (!evo) report.notes.push('linked phones: not imported (no --evolution-from): every WhatsApp instance must be created and linked again')
    say(`importing TAGUATO-SEND ${plan.mode}${opts.dryRun ? ' (dry run: everything is rolled back at the end)' : ''}; its timestamps read as ${zone}`)
    if (opts.dryRun) await dryRun(target, source, plan, ctx, evolution, report)
    else await realRun(opts, target, source, plan, ctx, evolution, report, say)
    return report
  } finally {
    await keys?.close()
    await Promise.all([target.end({ timeout: 5 }), source?.end({ timeout: 5 }), evo?.end({ timeout: 5 })])
  }
}

class Rollback extends Error {}

type EvolutionFor = (inTx: Io['inTx'], runId: number, prior: Progress) => EvolutionIo | null

async function dryRun(target: Sql, source: Sql | null, plan: Plan, ctx: Ctx, evolution: EvolutionFor, report: Report): Promise<void> {
  try {
    await target.begin(async (tx: TransactionSql) => {
      if (plan.rename) await renameSchema(tx, 'taguato', REFERENCE_KEPT_SCHEMA)
      await migrateInTransaction(tx, { dir: GATEWAY_MIGRATIONS, schema: 'taguato' })
      const prior = await priorProgress(tx)
      const runId = await startRun(tx, report.source, { dryRun: true })
      const inTx: Io['inTx'] = (fn) => fn(tx)
      await copyAll({ source: source ?? tx, schema: plan.schema, inTx, runId, prior }, ctx, report)
      const evo = evolution(inTx, runId, prior)
      if (evo) {
        await migrateInTransaction(tx, { dir: UPSTREAM_MIGRATIONS, schema: 'upstream' })
        await importEvolution(evo, report)
      }
      throw new Rollback()
    })
  } catch (err) {
    if (!(err instanceof Rollback)) throw err
  }
}

async function realRun(opts: ImportOptions, target: Sql, source: Sql | null, plan: Plan, ctx: Ctx,
  evolution: EvolutionFor, report: Report, say: (line: string) => void): Promise<void> {
  if (plan.rename) {
    say(`backing up schema taguato into ${resolve(opts.backupDir)} ...`)
    const b = await writeBackup({ databaseUrl: opts.databaseUrl, dir: resolve(opts.backupDir), kind: 'backup', serverMajor: await serverMajor(target) })
    report.backup = b.path
    say(`backup written: ${b.path} (${b.size} bytes); renaming schema taguato to ${REFERENCE_KEPT_SCHEMA}`)
    await target.begin((tx: TransactionSql) => renameSchema(tx, 'taguato', REFERENCE_KEPT_SCHEMA))
  }
  const applied = await migrate(target, { dir: GATEWAY_MIGRATIONS, schema: 'taguato', lockKey: GATEWAY_LOCK })
  if (applied.length > 0) say(`our schema created/updated: ${applied.join(', ')}`)
  const before = await referenceImportState(target)
  const prior = await priorProgress(target)
  const runId = await startRun(target, report.source, { mode: plan.mode, revokeSessions: opts.revokeSessions, timezone: ctx.zone, evolution: Boolean(opts.evolutionFrom) })
  const inTx: Io['inTx'] = <T>(fn: (tx: Db) => Promise<T>) => target.begin((tx: TransactionSql) => fn(tx)) as Promise<T>
  await copyAll({ source: source ?? target, schema: plan.schema, inTx, runId, prior }, ctx, report)
  const evo = evolution(inTx, runId, prior)
  if (evo) {
    await migrate(target, { dir: UPSTREAM_MIGRATIONS, schema: 'upstream', lockKey: UPSTREAM_LOCK })
    await importEvolution(evo, report)
  }
  // A rerun that found everything in place leaves no trace, unless it completes an interrupted one.
  if (rowsWritten(report) === 0 && before.lastFinished) await forgetRun(target, runId)
  else await finishRun(target, runId, report as never)
}

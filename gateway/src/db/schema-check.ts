/**
 * @module db/schema-check
 * What schema `taguato` of a database is, judged before the gateway migrates or serves: empty (our
 * migrations create it), ours (its history is our migrations'), TAGUATO-SEND's own (the reference:
 * its migration names in schema_migrations, or its table shapes without a history), an import from it
 * that did not finish, or something else. Only the first two may be served. Why: the migration runner
 * used to count the reference's versions 1-14 as our 1-5, skip our whole schema and start "healthy",
 * and then every login failed with a 500 on a missing column (issue 32).
 */
import { historyProblems, type Migration } from '../../../db/migrate.js'
import type { Queryable } from './client.js'
import { columnsOf, recordedMigrations, referenceImportState, schemaExists, tablesOf } from './queries/schema-inspection.js'

/** The reference's migrations (its gateway/lua/migrations_list.lua): version -> the name it records. */
export const REFERENCE_MIGRATIONS: ReadonlyMap<number, string> = new Map([
  [1, 'add_brute_force_columns'],
  [2, 'create_user_webhooks'],
  [3, 'session_expiry_and_webhook_retry'],
  [4, 'unique_instance_name'],
  [5, 'invalidate_md5_sessions'],
  [6, 'scheduled_message_idempotency'],
  [7, 'password_recovery'],
  [8, 'add_missing_indexes'],
  [9, 'ephemeral_session_tokens'],
  [10, 'password_resets_allow_admin_email'],
  [11, 'add_channel_type_to_instances'],
  [12, 'add_totp_to_users'],
  [13, 'add_telegram_instances_table'],
  [14, 'add_instance_permissions'],
])

/** The reference's 22 tables (its init.sql plus instance_permissions from migration 14). */
export const REFERENCE_TABLES: ReadonlySet<string> = new Set([
  'users', 'user_instances', 'telegram_instances', 'instance_permissions', 'services', 'incidents', 'incident_updates',
  'incident_services', 'scheduled_maintenances', 'maintenance_services', 'uptime_checks', 'message_templates',
  'contact_lists', 'contact_list_items', 'sessions', 'message_logs', 'audit_log', 'reconnect_log', 'scheduled_messages',
  'schema_migrations', 'user_webhooks', 'password_resets',
])

/** Where an in-place import keeps the reference's schema (renamed, never dropped by us). */
export const REFERENCE_KEPT_SCHEMA = 'taguato_reference'

export type SchemaVerdict =
  | { kind: 'empty' }
  | { kind: 'ours' }
  | { kind: 'reference'; why: string }
  | { kind: 'import-unfinished'; why: string }
  | { kind: 'unknown'; why: string }

type History = { version: number; filename: string }[]

/** The history is the reference's: every recorded version under the reference's own name. */
export function isReferenceHistory(recorded: History): boolean {
  return recorded.length > 0 && recorded.every((r) => REFERENCE_MIGRATIONS.get(r.version) === r.filename)
}

/** Reference tables without a history (init.sql ran, its gateway never migrated): users without our columns. */
export function hasReferenceShape(tables: readonly string[], userColumns: readonly string[]): boolean {
  return tables.includes('users') && tables.every((t) => REFERENCE_TABLES.has(t)) &&
    userColumns.includes('api_token') && !userColumns.includes('totp_last_step')
}

const span = (recorded: History) => {
  const versions = recorded.map((r) => r.version)
  return `versions ${Math.min(...versions)}-${Math.max(...versions)}`
}

/** Judges schema `taguato` of the database behind `db` against our migrations. */
export async function inspectSchema(db: Queryable, ours: readonly Migration[]): Promise<SchemaVerdict> {
  const kept = await schemaExists(db, REFERENCE_KEPT_SCHEMA)
  const tables = (await schemaExists(db, 'taguato')) ? await tablesOf(db, 'taguato') : []
  const recorded = tables.includes('schema_migrations') ? await recordedMigrations(db, 'taguato') : []
  if (isReferenceHistory(recorded)) {
    const names = recorded.map((r) => r.filename)
    const list = names.length > 2 ? `${names[0]} ... ${names.at(-1)}` : names.join(', ')
    return { kind: 'reference', why: `its schema_migrations lists TAGUATO-SEND's migrations (${span(recorded)}: ${list})` }
  }
  if (recorded.length === 0 && tables.some((t) => t !== 'schema_migrations')) {
    if (hasReferenceShape(tables, await columnsOf(db, 'taguato', 'users'))) {
      return { kind: 'reference', why: 'it holds TAGUATO-SEND\'s tables (users with api_token, no totp_last_step) and no migration history' }
    }
    return { kind: 'unknown', why: `schema taguato has tables (${tables.slice(0, 8).join(', ')}${tables.length > 8 ? ', ...' : ''}) but no migration history` }
  }
  const problems = historyProblems(recorded, ours)
  if (problems.length > 0) return { kind: 'unknown', why: `its taguato.schema_migrations is not ours: ${problems.slice(0, 3).join('; ')}` }
  const imports = await referenceImportState(db)
  if (imports.runs > 0 && !imports.lastFinished) return { kind: 'import-unfinished', why: 'the last `npm run import:reference` run did not finish' }
  if (kept && !imports.lastFinished) {
    return { kind: 'import-unfinished', why: `schema ${REFERENCE_KEPT_SCHEMA} (the renamed reference schema) is here but no import finished` }
  }
  return recorded.length === 0 && tables.length <= 1 ? { kind: 'empty' } : { kind: 'ours' }
}

/** Raised at start instead of serving a database we would only answer 500s on. */
export class SchemaRefusedError extends Error {
  constructor(readonly verdict: Exclude<SchemaVerdict, { kind: 'empty' | 'ours' }>) {
    super(refusalMessage(verdict))
    this.name = 'SchemaRefusedError'
  }
}

const IMPORT_STEPS = [
  '  npm run import:reference -- --dry-run   # what would be imported, skipped and why; writes nothing',
  '  npm run import:reference                # backs up, then upgrades this database in place',
  '  (or into a fresh database: DATABASE_URL=<new> npm run import:reference -- --from <this database>)',
  'Step by step: docs/operations.md, "Migrating from TAGUATO-SEND".',
].join('\n')

/** The one message an operator sees (stderr, and `npm start`'s log tail). */
export function refusalMessage(v: Exclude<SchemaVerdict, { kind: 'empty' | 'ours' }>): string {
  switch (v.kind) {
    case 'reference':
      return `This database belongs to TAGUATO-SEND (the system taguato-send replaces): ${v.why}.\n` +
        `The gateway will not start on it. Import it first:\n${IMPORT_STEPS}`
    case 'import-unfinished':
      return `An import from TAGUATO-SEND into this database is not complete: ${v.why}.\n` +
        'The gateway will not start on half the data. Run the import again (it resumes where it stopped):\n' +
        '  npm run import:reference\nSee docs/operations.md, "Migrating from TAGUATO-SEND".'
    case 'unknown':
      return `Schema taguato of this database was not made by taguato-send: ${v.why}.\n` +
        'The gateway will not start on a schema it does not recognise. Point DATABASE_URL at a taguato-send database or an empty one; ' +
        'a TAGUATO-SEND database is imported with `npm run import:reference` (docs/operations.md, "Migrating from TAGUATO-SEND").'
  }
}

/** Throws SchemaRefusedError unless schema taguato is empty or ours. */
export async function assertServableSchema(db: Queryable, ours: readonly Migration[]): Promise<void> {
  const v = await inspectSchema(db, ours)
  if (v.kind !== 'empty' && v.kind !== 'ours') throw new SchemaRefusedError(v)
}

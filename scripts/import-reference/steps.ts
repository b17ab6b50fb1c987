/**
 * @module scripts/import-reference/steps
 * The reference's tables in the order their foreign keys need, each with its transform, plus the
 * tables deliberately not imported and why. Every table of the reference appears here once, so the
 * report accounts for all of them.
 */
import type { TargetTable } from './db/target.js'
import * as t from './transforms.js'

export type CopyStep = {
  table: TargetTable
  /** Rows have an `id` (read in keyset pages, the id kept); false for the two junction tables. */
  keyed: boolean
  transform: t.Transform
  /** Why a row that passed its transform can still hit one of our unique rules. */
  conflict?: string
}

export type Step =
  | ({ kind: 'copy' } & CopyStep)
  /** Matched by name (our migration seeds the same four). */
  | { kind: 'services' }
  | { kind: 'not-imported'; table: string; why: string }

const copy = (table: TargetTable, transform: t.Transform, extra: Partial<CopyStep> = {}): Step => ({ kind: 'copy', table, keyed: true, transform, ...extra })

export const STEPS: readonly Step[] = [
  copy('users', t.users),
  { kind: 'services' },
  copy('user_instances', t.userInstances),
  copy('telegram_instances', t.telegramInstances, { keyed: false }),
  copy('instance_permissions', t.instancePermissions),
  copy('incidents', t.incidents),
  copy('incident_updates', t.incidentUpdates),
  copy('incident_services', t.incidentServices, { keyed: false }),
  copy('scheduled_maintenances', t.scheduledMaintenances),
  copy('maintenance_services', t.maintenanceServices, { keyed: false }),
  copy('uptime_checks', t.uptimeChecks),
  copy('message_templates', t.messageTemplates),
  copy('contact_lists', t.contactLists),
  copy('contact_list_items', t.contactListItems),
  copy('sessions', t.sessions),
  copy('scheduled_messages', t.scheduledMessages),
  copy('message_logs', t.messageLogs, { conflict: 'a second row for the same scheduled message and number (we keep one row per recipient)' }),
  copy('audit_log', t.auditLog),
  copy('reconnect_log', t.reconnectLog),
  copy('user_webhooks', t.userWebhooks),
  {
    kind: 'not-imported',
    table: 'password_resets',
    why: 'recovery codes live 15 minutes and the reference kept them in clear (ours are hashed): a user mid-reset asks for a new code',
  },
  { kind: 'not-imported', table: 'schema_migrations', why: 'the reference\'s own migration history (ours is recorded by our migrations)' },
]


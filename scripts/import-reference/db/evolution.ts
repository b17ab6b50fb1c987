/**
 * @module scripts/import-reference/db/evolution
 * Reads the Evolution API v2 database the reference ran: its Prisma tables "Instance", "Session" (the
 * Baileys creds, keyed by the instance id), "Setting" and "Webhook", in the schema Prisma was given
 * (`public` in the reference's DATABASE_CONNECTION_URI). Prisma writes its TIMESTAMP columns in UTC.
 */
import type { Sql } from 'postgres'
import type { Json } from './source.js'

export type EvolutionRow = { instance: Json; session: Json | null; setting: Json | null; webhook: Json | null }

const REQUIRED = ['Instance', 'Session', 'Setting', 'Webhook'] as const

/** The Prisma tables missing from `schema` (an empty list means the database can be read). */
export async function missingTables(db: Sql, schema: string): Promise<string[]> {
  const missing: string[] = []
  for (const t of REQUIRED) {
    const [row] = await db<{ ok: boolean }[]>`select to_regclass(${`"${schema}"."${t}"`}) is not null as ok`
    if (!row!.ok) missing.push(t)
  }
  return missing
}

/** Every instance with its creds, settings and webhook, by name. */
export async function readInstances(db: Sql, schema: string): Promise<EvolutionRow[]> {
  const t = (name: string) => db(`${schema}.${name}`)
  return db<EvolutionRow[]>`
    select to_jsonb(i) as instance, to_jsonb(s) as session, to_jsonb(st) as setting, to_jsonb(w) as webhook
      from ${t('Instance')} i
      left join ${t('Session')} s on s."sessionId" = i.id
      left join ${t('Setting')} st on st."instanceId" = i.id
      left join ${t('Webhook')} w on w."instanceId" = i.id
     order by i.name`
}

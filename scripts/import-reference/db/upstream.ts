/**
 * @module scripts/import-reference/db/upstream
 * Writes an Evolution instance into our upstream's schema (upstream.instances, settings, webhooks,
 * baileys_auth: the shapes of db/upstream/*.sql). One instance per transaction, created only when its
 * name is free, so a rerun leaves every instance imported before exactly as the upstream has it now.
 */
import type { Sql, TransactionSql } from 'postgres'
import type { InstanceRow } from '../../../upstream/src/db/instances.js'
import type { SettingsValues } from '../../../upstream/src/db/settings.js'
import type { WebhookValues } from '../../../upstream/src/db/webhooks.js'

export type Db = Sql | TransactionSql

/** The upstream's own row, with the reference's timestamps as text (read in the transaction's zone). */
export type UpstreamInstance = Pick<InstanceRow, 'id' | 'name' | 'integration' | 'token' | 'number' | 'businessId' | 'connectionStatus' |
  'ownerJid' | 'profileName' | 'profilePicUrl' | 'disconnectionReasonCode' | 'disconnectionObject'> & {
  disconnectionAt: string | null
  session: Record<string, unknown> | null
  createdAt: string | null
}

/** Inserts the instance unless its name is taken; true when inserted. */
export async function insertInstance(tx: Db, i: UpstreamInstance): Promise<boolean> {
  const rows = await tx`
    insert into upstream.instances (id, name, integration, token, number, business_id, connection_status, owner_jid,
      profile_name, profile_pic_url, disconnection_reason_code, disconnection_object, disconnection_at, session, created_at)
    values (${i.id}, ${i.name}, ${i.integration}, ${i.token}, ${i.number}, ${i.businessId}, ${i.connectionStatus}, ${i.ownerJid},
      ${i.profileName}, ${i.profilePicUrl}, ${i.disconnectionReasonCode}, ${i.disconnectionObject}, ${i.disconnectionAt}::timestamptz,
      ${i.session === null ? null : tx.json(i.session as never)}, coalesce(${i.createdAt}::timestamptz, now()))
    on conflict (name) do nothing
    returning id`
  return rows.length === 1
}

/** Evolution's own setting id is kept. */
export type UpstreamSettings = SettingsValues & { id: string }

export async function insertSettings(tx: Db, instanceId: string, s: UpstreamSettings): Promise<void> {
  await tx`
    insert into upstream.settings (id, instance_id, reject_call, msg_call, groups_ignore, always_online, read_messages,
      read_status, sync_full_history, wavoip_token)
    values (${s.id}, ${instanceId}, ${s.rejectCall}, ${s.msgCall}, ${s.groupsIgnore}, ${s.alwaysOnline}, ${s.readMessages},
      ${s.readStatus}, ${s.syncFullHistory}, ${s.wavoipToken})`
}

export type UpstreamWebhook = WebhookValues & { id: string }

export async function insertWebhook(tx: Db, instanceId: string, w: UpstreamWebhook): Promise<void> {
  await tx`
    insert into upstream.webhooks (id, instance_id, url, headers, enabled, events, webhook_by_events, webhook_base64)
    values (${w.id}, ${instanceId}, ${w.url}, ${w.headers === null ? null : tx.json(w.headers as never)}, ${w.enabled},
      ${tx.json(w.events)}, ${w.webhookByEvents}, ${w.webhookBase64})`
}

/** Auth rows (creds under type 'creds', id ''; signal keys by type and id), values as BufferJSON text. */
export async function insertAuth(tx: Db, instanceId: string, rows: { type: string; id: string; json: string }[]): Promise<void> {
  if (rows.length === 0) return
  // `::text::jsonb`: the values are JSON text already; a jsonb parameter would encode them again.
  await tx`
    insert into upstream.baileys_auth (instance_id, type, id, value)
    select ${instanceId}, u.type, u.id, u.value::jsonb
      from unnest(${rows.map((r) => r.type)}::text[], ${rows.map((r) => r.id)}::text[], ${rows.map((r) => r.json)}::text[]) as u(type, id, value)
    on conflict (instance_id, type, id) do nothing`
}

/** The upstream instances by name (the gateway step records their integration). */
export async function instanceNames(db: Db): Promise<Set<string>> {
  const rows = await db<{ name: string }[]>`select name from upstream.instances`
  return new Set(rows.map((r) => r.name))
}

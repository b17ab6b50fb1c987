/**
 * @module upstream/db/settings
 * Queries on upstream.settings (one row per instance, Evolution's `Setting`).
 */
import { newCuid } from '../lib/ids.js'
import type { Tx } from './instances.js'

export type SettingsValues = {
  rejectCall: boolean
  msgCall: string
  groupsIgnore: boolean
  alwaysOnline: boolean
  readMessages: boolean
  readStatus: boolean
  syncFullHistory: boolean
  wavoipToken: string
}

export type SettingsRow = SettingsValues & { id: string; instanceId: string; createdAt: Date; updatedAt: Date }

export const DEFAULT_SETTINGS: SettingsValues = {
  rejectCall: false,
  msgCall: '',
  groupsIgnore: false,
  alwaysOnline: false,
  readMessages: false,
  readStatus: false,
  syncFullHistory: false,
  wavoipToken: '',
}

/** Inserts or replaces the instance's settings. */
export async function upsertSettings(sql: Tx, instanceId: string, s: SettingsValues): Promise<SettingsRow> {
  const [row] = await sql<SettingsRow[]>`
    insert into upstream.settings (id, instance_id, reject_call, msg_call, groups_ignore, always_online,
                                   read_messages, read_status, sync_full_history, wavoip_token)
    values (${newCuid()}, ${instanceId}, ${s.rejectCall}, ${s.msgCall}, ${s.groupsIgnore}, ${s.alwaysOnline},
            ${s.readMessages}, ${s.readStatus}, ${s.syncFullHistory}, ${s.wavoipToken})
    on conflict (instance_id) do update set
      reject_call = excluded.reject_call, msg_call = excluded.msg_call, groups_ignore = excluded.groups_ignore,
      always_online = excluded.always_online, read_messages = excluded.read_messages,
      read_status = excluded.read_status, sync_full_history = excluded.sync_full_history,
      wavoip_token = excluded.wavoip_token, updated_at = now()
    returning *`
  return row!
}

export async function findSettings(sql: Tx, instanceId: string): Promise<SettingsRow | null> {
  const [row] = await sql<SettingsRow[]>`select * from upstream.settings where instance_id = ${instanceId}`
  return row ?? null
}

/** Settings of many instances at once (fetchInstances). */
export async function listSettings(sql: Tx, instanceIds: string[]): Promise<SettingsRow[]> {
  if (instanceIds.length === 0) return []
  return sql<SettingsRow[]>`select * from upstream.settings where instance_id = any(${instanceIds}::uuid[])`
}

/** The row as Evolution's fetchInstances `Setting` prints it. */
export function settingsJson(r: SettingsRow) {
  return {
    id: r.id,
    rejectCall: r.rejectCall,
    msgCall: r.msgCall,
    groupsIgnore: r.groupsIgnore,
    alwaysOnline: r.alwaysOnline,
    readMessages: r.readMessages,
    readStatus: r.readStatus,
    syncFullHistory: r.syncFullHistory,
    wavoipToken: r.wavoipToken,
    createdAt: r.createdAt,
    updatedAt: r.updatedAt,
    instanceId: r.instanceId,
  }
}

/** Just the eight values (settings/find). */
export function settingsValues(r: SettingsValues): SettingsValues {
  const { rejectCall, msgCall, groupsIgnore, alwaysOnline, readMessages, readStatus, syncFullHistory, wavoipToken } = r
  return { rejectCall, msgCall, groupsIgnore, alwaysOnline, readMessages, readStatus, syncFullHistory, wavoipToken }
}

/**
 * The operator's send settings (admin only; docs/delivery-guarantees.md#per-user-and-per-instance-settings-admin):
 * an instance's and a user's pacing budgets and default send mode. In every field null = not set at
 * this level (the owner's, else the config default) and 0 = unlimited (or no warm-up).
 */
import { api, seg } from './client.js'
import type { RequestBody } from './generated-types.js'

/** The body both PUTs take: an absent field stays as it is, null clears it. */
export type SendSettingsBody = RequestBody<'PUT /admin/instances/{name}/send-settings'>

export type SendMode = 'sync' | 'queue'

/** The four fields as one level stores them. */
export type SendSettingsValues = {
  per_minute: number | null
  new_recipients_per_day: number | null
  warmup_days: number | null
  send_mode: SendMode | null
}

/** GET/PUT /admin/instances/{name}/send-settings: the instance's own values, its owner's, and what applies now. */
export type InstanceSendSettings = SendSettingsValues & {
  instance: string
  integration: string
  linked_at: string | null
  owner: SendSettingsValues
  /** After both levels, the warm-up ramp and the Cloud API exemption; 0 = unlimited. */
  effective: { per_minute: number; new_recipients_per_day: number; send_mode: SendMode }
}

/** GET/PUT /admin/users/{id}/send-settings: the user's values and each of their instances. */
export type UserSendSettings = SendSettingsValues & { user_id: number; instances: InstanceSendSettings[] }

export const sendSettingsApi = {
  instance: (name: string) => api.get<InstanceSendSettings>(`/admin/instances/${seg(name)}/send-settings`),
  saveInstance: (name: string, body: SendSettingsBody) => api.put<InstanceSendSettings>(`/admin/instances/${seg(name)}/send-settings`, body),
  user: (id: number) => api.get<UserSendSettings>(`/admin/users/${seg(id)}/send-settings`),
  saveUser: (id: number, body: RequestBody<'PUT /admin/users/{id}/send-settings'>) => api.put<UserSendSettings>(`/admin/users/${seg(id)}/send-settings`, body),
}

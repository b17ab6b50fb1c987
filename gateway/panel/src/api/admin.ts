import { api, downloadBlob, seg } from './client.js'
import type { RequestBody } from './generated-types.js'

export type AdminUser = {
  id: number
  username: string
  role: 'admin' | 'user'
  max_instances: number
  is_active: boolean
  must_change_password: boolean
  rate_limit: number | null
  email: string | null
  phone_number: string | null
  locked_until?: string | null
  created_at: string
  updated_at?: string
}
/** Request bodies: generated from the routes' schemas (generated-types.ts), never copied by hand. */
export type NewUser = RequestBody<'POST /admin/users'>
export type UserPatch = RequestBody<'PUT /admin/users/{id}'>
export type NewIncident = RequestBody<'POST /admin/incidents'>
export type IncidentPatch = RequestBody<'PUT /admin/incidents/{id}'>
export type NewMaintenance = RequestBody<'POST /admin/maintenance'>
export type MaintenancePatch = RequestBody<'PUT /admin/maintenance/{id}'>
export type IncidentUpdate = RequestBody<'POST /admin/incidents/{id}/updates'>

export type AdminDashboard = {
  users: { total: number; active: number }
  instances: { total_registered: number; total_evolution: number; connected: number }
  uptime_30d: number
  uptime_seconds?: number
  messages: { today: number; total: number; sent: number; failed: number; delivery_rate: number }
  recent_activity: { type: string; name: string; created_at: string }[]
  recent_reconnections: { instance_name: string; previous_state?: string | null; result: string; created_at: string }[]
}

export type InstanceGrants = {
  instance_name: string
  channel_type: string
  owner_id: number
  owner_username: string
  created_at: string
  grants: { user_id: number; username: string; granted_at: string }[]
}

export type Incident = {
  id: number
  title: string
  severity: 'minor' | 'major' | 'critical'
  status: string
  created_at: string
  updated_at?: string
  resolved_at?: string | null
  created_by_name?: string | null
  affected_services: { id?: number; name: string }[]
  updates: { id?: number; status: string; message: string; created_at: string; created_by_name?: string | null }[]
}
export type Service = { id: number; name: string }
export type Maintenance = {
  id: number
  title: string
  description: string | null
  scheduled_start: string
  scheduled_end: string
  status: 'scheduled' | 'in_progress' | 'completed' | string
  affected_services: { id?: number; name: string }[]
}
export type AuditRow = {
  id: number
  user_id: number | null
  username: string | null
  action: string
  resource_type: string | null
  resource_id: string | number | null
  details: unknown
  ip_address: string | null
  created_at: string
}
export type Backup = { filename: string; size: number | string; date?: string; created_at?: string }

export const adminApi = {
  dashboard: () => api.get<AdminDashboard>('/admin/dashboard'),
  users: (page = 1, search = '') => api.get<{ users: AdminUser[]; total: number; page: number; pages: number }>('/admin/users', { page, limit: 50, search }),
  createUser: (u: NewUser) => api.post<{ user: AdminUser }>('/admin/users', u),
  updateUser: (id: number, p: UserPatch) => api.put<{ user: AdminUser }>(`/admin/users/${id}`, p),
  deleteUser: (id: number) => api.del<unknown>(`/admin/users/${id}`),
  resetPassword: (id: number) => api.post<{ message: string }>(`/admin/users/${id}/reset-password`),
  temporaryPassword: (id: number) => api.post<{ message: string; temporary_password: string }>(`/admin/users/${id}/temporary-password`),
  instances: () => api.get<{ instances: InstanceGrants[] }>('/admin/instances'),
  grant: (name: string, user_id: number) => api.post<unknown>(`/admin/instances/${seg(name)}/grant`, { user_id } satisfies RequestBody<'POST /admin/instances/{name}/grant'>),
  revokeGrant: (name: string, userId: number) => api.del<unknown>(`/admin/instances/${seg(name)}/grant/${userId}`),
  incidents: () => api.get<{ incidents: Incident[] }>('/admin/incidents', { limit: 100 }),
  services: () => api.get<{ services: Service[] }>('/admin/incidents/services'),
  createIncident: (b: NewIncident) => api.post<{ incident: Incident }>('/admin/incidents', b),
  addUpdate: (id: number, status: IncidentUpdate['status'], message: string) =>
    api.post<unknown>(`/admin/incidents/${id}/updates`, { status, message } satisfies IncidentUpdate),
  updateIncident: (id: number, b: IncidentPatch) => api.put<unknown>(`/admin/incidents/${id}`, b),
  deleteIncident: (id: number) => api.del<unknown>(`/admin/incidents/${id}`),
  maintenances: () => api.get<{ maintenances: Maintenance[] }>('/admin/maintenance', { limit: 100 }),
  createMaintenance: (b: NewMaintenance) => api.post<unknown>('/admin/maintenance', b),
  updateMaintenance: (id: number, b: MaintenancePatch) => api.put<unknown>(`/admin/maintenance/${id}`, b),
  deleteMaintenance: (id: number) => api.del<unknown>(`/admin/maintenance/${id}`),
  auditFacets: () => api.get<{ actions: string[]; usernames: string[]; resource_types: string[] }>('/admin/audit/facets'),
  audit: (q: { page: number; action?: string; username?: string; resource_type?: string; date_from?: string; date_to?: string }) =>
    api.get<{ logs: AuditRow[]; total: number; page: number; pages: number }>('/admin/audit', { ...q, limit: 50 }),
  backups: () => api.get<{ backups: Backup[] }>('/admin/backup'),
  createBackup: () => api.post<{ filename: string; size: number | string }>('/admin/backup'),
  downloadBackup: (name: string) => downloadBlob(`/admin/backup/${seg(name)}/download`, name),
  restoreBackup: (name: string) => api.post<{ message?: string }>(`/admin/backup/${seg(name)}/restore`),
  deleteBackup: (name: string) => api.del<unknown>(`/admin/backup/${seg(name)}`),
}

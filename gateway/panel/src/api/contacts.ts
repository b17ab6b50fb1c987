import { api, downloadBlob } from './client.js'
import type { RequestBody } from './generated-types.js'

export type ContactList = { id: number; name: string; item_count?: number; created_at: string; updated_at: string }
/** `fields`: the extra columns of the CSV the contact came from (fill `{{ column }}` placeholders). */
export type ContactItem = { id: number; phone_number: string; label: string | null; fields?: Record<string, string>; created_at: string }
export type ImportReport = {
  accepted: number
  rejected: { row: number; phone_number: string; error: string }[]
  /** Numbers not stored again: repeated in the file or already in the list (absent on older gateways). */
  duplicates?: { row: number; phone_number: string; reason: string }[]
}

export const contactsApi = {
  lists: () => api.get<{ lists: ContactList[] }>('/api/contacts'),
  get: (id: number) => api.get<{ list: ContactList & { items: ContactItem[] } }>(`/api/contacts/${id}`),
  create: (name: string) => api.post<{ list: ContactList }>('/api/contacts', { name } satisfies RequestBody<'POST /api/contacts'>),
  rename: (id: number, name: string) => api.put<unknown>(`/api/contacts/${id}`, { name } satisfies RequestBody<'PUT /api/contacts/{id}'>),
  remove: (id: number) => api.del<unknown>(`/api/contacts/${id}`),
  addItems: (id: number, items: { phone_number: string; label?: string }[]) =>
    api.post<{ items: ContactItem[] }>(`/api/contacts/${id}/items`, { items } satisfies RequestBody<'POST /api/contacts/{id}/items'>),
  removeItem: (id: number, itemId: number) => api.del<unknown>(`/api/contacts/${id}/items/${itemId}`),
  importCsv: (id: number, csv: string) => api.post<ImportReport>(`/api/contacts/${id}/import`, { csv } satisfies RequestBody<'POST /api/contacts/{id}/import'>),
  exportCsv: (id: number, name: string) => downloadBlob(`/api/contacts/${id}/export`, `${name || 'contacts'}.csv`),
}

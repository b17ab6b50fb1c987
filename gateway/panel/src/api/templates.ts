import { api } from './client.js'
import type { RequestBody } from './generated-types.js'

export type Template = { id: number; name: string; content: string; created_at: string; updated_at: string }

export const templatesApi = {
  list: () => api.get<{ templates: Template[] }>('/api/templates', { limit: 100 }),
  create: (name: string, content: string) => api.post<{ template: Template }>('/api/templates', { name, content } satisfies RequestBody<'POST /api/templates'>),
  update: (id: number, name: string, content: string) => api.put<{ template: Template }>(`/api/templates/${id}`, { name, content } satisfies RequestBody<'PUT /api/templates/{id}'>),
  remove: (id: number) => api.del<unknown>(`/api/templates/${id}`),
}

/**
 * @module db/queries/templates
 * message_templates, always filtered by owner in the statement itself (strictly own rows, admins too).
 */
import type { Queryable } from '../client.js'

export type TemplateRow = { id: number; name: string; content: string; created_at: Date; updated_at: Date }

export async function listTemplates(q: Queryable, userId: number, limit: number, offset: number): Promise<{ rows: TemplateRow[]; total: number }> {
  const [rows, [count]] = await Promise.all([
    q<TemplateRow[]>`
      select id, name, content, created_at, updated_at from taguato.message_templates
      where user_id = ${userId} order by updated_at desc, id desc limit ${limit} offset ${offset}`,
    q<{ total: number }[]>`select count(*) as total from taguato.message_templates where user_id = ${userId}`,
  ])
  return { rows, total: count?.total ?? 0 }
}

export async function createTemplate(q: Queryable, userId: number, name: string, content: string): Promise<TemplateRow> {
  const [row] = await q<TemplateRow[]>`
    insert into taguato.message_templates (user_id, name, content) values (${userId}, ${name}, ${content})
    returning id, name, content, created_at, updated_at`
  return row!
}

export async function updateTemplate(
  q: Queryable,
  userId: number,
  id: number,
  patch: { name?: string | undefined; content?: string | undefined },
): Promise<TemplateRow | undefined> {
  const [row] = await q<TemplateRow[]>`
    update taguato.message_templates
    set name = coalesce(${patch.name ?? null}, name), content = coalesce(${patch.content ?? null}, content), updated_at = now()
    where id = ${id} and user_id = ${userId}
    returning id, name, content, created_at, updated_at`
  return row
}

export async function deleteTemplate(q: Queryable, userId: number, id: number): Promise<{ id: number; name: string } | undefined> {
  const [row] = await q<{ id: number; name: string }[]>`
    delete from taguato.message_templates where id = ${id} and user_id = ${userId} returning id, name`
  return row
}

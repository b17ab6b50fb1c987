/**
 * @module db/queries/templates
 * message_templates, always filtered by owner in the statement itself (strictly own rows, admins too).
 */
import type { Queryable } from '../client.js'

export type TemplateRow = { id: number; name: string; content: string; created_at: Date; updated_at: Date }

export async function listTemplates(q: Queryable, userId: number, limit: number, offset: number): Promise<{ rows: TemplateRow[]; total: number }> {
  // perf: one statement (count + page) instead of two: the count row always comes back, the page rows
  // (if any) are joined to it, so an empty or out-of-range page still carries the total.
  const res = await q<(Omit<TemplateRow, 'id'> & { id: number | null; total: number })[]>`
    with c as (select count(*) as total from taguato.message_templates where user_id = ${userId})
    select c.total, t.id, t.name, t.content, t.created_at, t.updated_at
    from c left join lateral (
      select id, name, content, created_at, updated_at from taguato.message_templates
      where user_id = ${userId} order by updated_at desc, id desc limit ${limit} offset ${offset}
    ) t on true
    order by t.updated_at desc, t.id desc`
  const rows: TemplateRow[] = []
  for (const r of res) {
    if (r.id !== null) rows.push({ id: r.id, name: r.name, content: r.content, created_at: r.created_at, updated_at: r.updated_at })
  }
  return { rows, total: res[0]?.total ?? 0 }
}

/** One own template (render and templated sends read it). */
export async function findTemplate(q: Queryable, userId: number, id: number): Promise<TemplateRow | undefined> {
  const [row] = await q<TemplateRow[]>`
    select id, name, content, created_at, updated_at from taguato.message_templates where id = ${id} and user_id = ${userId}`
  return row
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

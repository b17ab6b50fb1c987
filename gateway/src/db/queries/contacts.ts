/**
 * @module db/queries/contacts
 * contact_lists and their items. Every statement names the owner, so another user's list id simply
 * matches nothing. Item inserts take a transaction from the caller (all or nothing).
 */
import type { Queryable } from '../client.js'

export type ListRow = { id: number; name: string; created_at: Date; updated_at: Date }
/** `fields`: the extra CSV columns of an imported contact (lower-cased name -> text), {} otherwise (docs/templates.md). */
export type ItemRow = { id: number; phone_number: string; label: string; fields: Record<string, string>; created_at: Date }
export type NewItem = { phone_number: string; label: string; fields?: Record<string, string> }

export async function listLists(q: Queryable, userId: number): Promise<Array<ListRow & { item_count: number }>> {
  return q`
    select l.id, l.name, l.created_at, l.updated_at,
           (select count(*) from taguato.contact_list_items i where i.list_id = l.id) as item_count
    from taguato.contact_lists l where l.user_id = ${userId} order by l.updated_at desc, l.id desc`
}

export async function createList(q: Queryable, userId: number, name: string): Promise<ListRow> {
  const [row] = await q<ListRow[]>`
    insert into taguato.contact_lists (user_id, name) values (${userId}, ${name}) returning id, name, created_at, updated_at`
  return row!
}

export async function findList(q: Queryable, userId: number, id: number): Promise<ListRow | undefined> {
  const [row] = await q<ListRow[]>`
    select id, name, created_at, updated_at from taguato.contact_lists where id = ${id} and user_id = ${userId}`
  return row
}

/** Items in id order; `page` null = all of them (the reference's unpaginated shape). */
export async function listItems(q: Queryable, listId: number, page: { limit: number; offset: number } | null): Promise<{ items: ItemRow[]; total: number }> {
  const [items, [count]] = await Promise.all([
    page
      ? q<ItemRow[]>`select id, phone_number, label, fields, created_at from taguato.contact_list_items where list_id = ${listId} order by id limit ${page.limit} offset ${page.offset}`
      : q<ItemRow[]>`select id, phone_number, label, fields, created_at from taguato.contact_list_items where list_id = ${listId} order by id`,
    q<{ total: number }[]>`select count(*) as total from taguato.contact_list_items where list_id = ${listId}`,
  ])
  return { items, total: count?.total ?? 0 }
}

export async function renameList(q: Queryable, userId: number, id: number, name: string): Promise<{ id: number; name: string; updated_at: Date } | undefined> {
  const [row] = await q<{ id: number; name: string; updated_at: Date }[]>`
    update taguato.contact_lists set name = ${name}, updated_at = now() where id = ${id} and user_id = ${userId}
    returning id, name, updated_at`
  return row
}

export async function deleteList(q: Queryable, userId: number, id: number): Promise<{ id: number; name: string } | undefined> {
  const [row] = await q<{ id: number; name: string }[]>`
    delete from taguato.contact_lists where id = ${id} and user_id = ${userId} returning id, name`
  return row
}

/** Inserts items (call inside sql.begin for all-or-nothing) and bumps the list's updated_at. */
export async function insertItems(q: Queryable, listId: number, items: NewItem[]): Promise<ItemRow[]> {
  const out: ItemRow[] = []
  for (let i = 0; i < items.length; i += 1000) {
    const chunk = items.slice(i, i + 1000).map((it) => ({ list_id: listId, phone_number: it.phone_number, label: it.label, fields: q.json(it.fields ?? {}) }))
    out.push(...(await q<ItemRow[]>`
      insert into taguato.contact_list_items ${q(chunk)}
      returning id, phone_number, label, fields, created_at`))
  }
  await q`update taguato.contact_lists set updated_at = now() where id = ${listId}`
  return out
}

export async function deleteItem(q: Queryable, listId: number, itemId: number): Promise<boolean> {
  const rows = await q`delete from taguato.contact_list_items where id = ${itemId} and list_id = ${listId} returning id`
  if (rows.length) await q`update taguato.contact_lists set updated_at = now() where id = ${listId}`
  return rows.length > 0
}

/** An own list's contacts for a templated send (number, label, CSV fields); undefined when the list is not the user's. */
export async function contactsForSend(q: Queryable, userId: number, listId: number): Promise<Array<Pick<ItemRow, 'phone_number' | 'label' | 'fields'>> | undefined> {
  if (!(await findList(q, userId, listId))) return undefined
  return q<Array<Pick<ItemRow, 'phone_number' | 'label' | 'fields'>>>`
    select phone_number, label, fields from taguato.contact_list_items where list_id = ${listId} order by id`
}

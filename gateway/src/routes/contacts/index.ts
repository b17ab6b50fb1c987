/**
 * @module routes/contacts
 * /api/contacts (R5, docs/decisions.md#r5), strictly the caller's lists: list CRUD here, items in ./items.ts,
 * CSV import/export in ./csv.ts. Fix of the reference: names are validated (1-100 characters).
 */
import type { Deps } from '../../deps.js'
import { createList, deleteList, findList, listItems, listLists, renameList } from '../../db/queries/contacts.js'
import { ApiError } from '../../errors/api-error.js'
import { parseBody, parseId } from '../../lib/body.js'
import { parsePage } from '../../lib/pagination.js'
import { register, type Router } from '../../lib/route.js'
import { contactCsvRoutes } from './csv.js'
import { contactItemRoutes } from './items.js'
import { ListNameBody } from './schemas.js'

const LIST_NOT_FOUND = 'List not found'
const tags = ['contacts']
const readName = async (c: Parameters<typeof parseBody>[0]): Promise<string> => (await parseBody(c, ListNameBody, 'name is required')).name

export function contactRoutes(r: Router, deps: Deps): void {
  register(r, { method: 'GET', path: '/api/contacts', access: 'session', summary: 'List own contact lists with item counts', tags,
    response: { status: 200, description: '{lists:[{id,name,created_at,updated_at,item_count}]}' } }, async (c) =>
    c.json({ lists: await listLists(deps.sql, c.get('user').id) }))

  register(r, { method: 'POST', path: '/api/contacts', access: 'session', summary: 'Create a contact list', tags, body: ListNameBody,
    response: { status: 201, description: '{list:{id,name,created_at,updated_at}}' } }, async (c) => {
    const name = await readName(c)
    return c.json({ list: await createList(deps.sql, c.get('user').id, name) }, 201)
  })

  register(r, { method: 'GET', path: '/api/contacts/:id', access: 'session', summary: 'A list with its items (all, or one page with ?page=&limit=)', tags,
    response: { status: 200, description: '{list:{id,name,created_at,updated_at,items:[{id,phone_number,label,fields,created_at}]}, total, page, limit, pages} (fields: the extra CSV columns, docs/templates.md)' } }, async (c) => {
    const list = await findList(deps.sql, c.get('user').id, parseId(c.req.param('id'), LIST_NOT_FOUND))
    if (!list) throw new ApiError(404, LIST_NOT_FOUND)
    const q = c.req.query()
    // Without page/limit the reference returned every item; the panel still relies on that.
    const paged = q.page !== undefined || q.limit !== undefined
    const p = parsePage(q)
    const { items, total } = await listItems(deps.sql, list.id, paged ? p : null)
    const limit = paged ? p.limit : Math.max(total, 1)
    return c.json({ list: { ...list, items }, total, page: paged ? p.page : 1, limit, pages: Math.ceil(total / limit) })
  })

  register(r, { method: 'PUT', path: '/api/contacts/:id', access: 'session', summary: 'Rename a list', tags, body: ListNameBody,
    response: { status: 200, description: '{list:{id,name,updated_at}}' } }, async (c) => {
    const id = parseId(c.req.param('id'), LIST_NOT_FOUND)
    const name = await readName(c)
    const row = await renameList(deps.sql, c.get('user').id, id, name)
    if (!row) throw new ApiError(404, LIST_NOT_FOUND)
    return c.json({ list: row })
  })

  register(r, { method: 'DELETE', path: '/api/contacts/:id', access: 'session', summary: 'Delete a list and its items', tags,
    response: { status: 200, description: '{deleted:{id,name}}' } }, async (c) => {
    const row = await deleteList(deps.sql, c.get('user').id, parseId(c.req.param('id'), LIST_NOT_FOUND))
    if (!row) throw new ApiError(404, LIST_NOT_FOUND)
    return c.json({ deleted: row })
  })

  contactItemRoutes(r, deps)
  contactCsvRoutes(r, deps)
}

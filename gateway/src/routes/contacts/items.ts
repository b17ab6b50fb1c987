/**
 * @module routes/contacts/items
 * Adding items (validated first, inserted in one transaction: R5 (docs/decisions.md#r5)) and removing one.
 */
import type { Deps } from '../../deps.js'
import { deleteItem, findList, insertItems } from '../../db/queries/contacts.js'
import { ApiError } from '../../errors/api-error.js'
import { parseBody, parseId } from '../../lib/body.js'
import { register, type Router } from '../../lib/route.js'
import { AddItemsBody } from './schemas.js'
const LIST_NOT_FOUND = 'List not found'

const tags = ['contacts']

export function contactItemRoutes(r: Router, deps: Deps): void {
  register(r, { method: 'POST', path: '/api/contacts/:id/items', access: 'session', summary: 'Add items: {items:[{phone_number,label?}]} or one {phone_number,label?}', tags, body: AddItemsBody,
    response: { status: 201, description: '{items:[{id,phone_number,label,fields,created_at}]}' } }, async (c) => {
    const list = await findList(deps.sql, c.get('user').id, parseId(c.req.param('id'), LIST_NOT_FOUND))
    if (!list) throw new ApiError(404, LIST_NOT_FOUND)
    const items = await parseBody(c, AddItemsBody)
    const inserted = items.length ? await deps.sql.begin((tx) => insertItems(tx, list.id, items)) : []
    return c.json({ items: inserted }, 201)
  })

  register(r, { method: 'DELETE', path: '/api/contacts/:id/items/:itemId', access: 'session', summary: 'Remove one item from a list', tags,
    response: { status: 200, description: '{deleted:{id}}' } }, async (c) => {
    const list = await findList(deps.sql, c.get('user').id, parseId(c.req.param('id'), LIST_NOT_FOUND))
    if (!list) throw new ApiError(404, LIST_NOT_FOUND)
    const itemId = parseId(c.req.param('itemId'), 'Item not found')
    if (!(await deleteItem(deps.sql, list.id, itemId))) throw new ApiError(404, 'Item not found')
    return c.json({ deleted: { id: itemId } })
  })
}

/**
 * @module routes/contacts/schemas
 * Bodies of /api/contacts (R5, docs/decisions.md#r5): each is the schema the route validates with and the
 * one GET /api/openapi.json shows, with the reference's messages and check order.
 */
import * as v from 'valibot'
import { fields } from '../../lib/body-schema.js'
import { stringRule } from '../../lib/rules.js'
import { ITEM_DOC, ItemEntryRule, MAX_ITEMS } from '../../services/contacts/items.js'

/** Create and rename (names are validated: the reference's fix, 1-100 characters). */
export const ListNameBody = fields({ name: stringRule('name', 1, 100) })

/**
 * Add items: `{items:[{phone_number, label?}]}`, or the body itself is one item (any body whose `items` is
 * not an array, as the reference reads it). The count is checked before any item; entries without a phone
 * are skipped. The reading is a transform, which the document cannot show, so `metadata` describes it.
 */
export const AddItemsBody = v.pipe(
  v.unknown(),
  v.metadata({
    anyOf: [{ type: 'object', properties: { items: { type: 'array', items: ITEM_DOC, maxItems: MAX_ITEMS } }, required: ['items'] }, ITEM_DOC],
    description: 'Items without a phone_number are skipped; nothing is stored when one is invalid',
  }),
  v.transform((body) => {
    const items = (body as { items?: unknown }).items
    return Array.isArray(items) ? (items as unknown[]) : [body]
  }),
  v.maxLength(MAX_ITEMS, `Maximum ${MAX_ITEMS} items per request`),
  v.array(ItemEntryRule),
  v.transform((items) => items.filter((it) => it !== null)),
)

/** CSV import as JSON (the panel's way); a text/csv body is read as it is. */
export const ImportCsvBody = fields({ csv: v.string('csv is required') })

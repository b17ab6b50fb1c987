/**
 * @module routes/contacts/csv
 * CSV import of items (text/csv body, or JSON {csv}) and CSV export of a list (`phone_number,label`,
 * the same header the import reads, so a file round-trips). Valid rows go in one transaction; the
 * answer lists every rejected row with its line number and reason, and every duplicate (in the file or
 * already in the list) that was not stored again.
 */
import type { Context } from 'hono'
import type { Deps } from '../../deps.js'
import type { AppEnv } from '../../env.js'
import { findList, insertItems, listItems } from '../../db/queries/contacts.js'
import { ApiError } from '../../errors/api-error.js'
import { parseBody, parseId } from '../../lib/body.js'
import { csvLine } from '../../lib/csv.js'
import { readRawBody } from '../../lib/raw-body.js'
import { decodeTextBody } from '../../lib/text.js'
import { register, type Router } from '../../lib/route.js'
import { parseImportCsv } from '../../services/contacts/items.js'
import { splitDuplicates } from '../../services/contacts/phone-import.js'
import { ImportCsvBody } from './schemas.js'
const LIST_NOT_FOUND = 'List not found'

const tags = ['contacts']

async function readCsvText(c: Context<AppEnv>): Promise<string> {
  if (/json/i.test(c.req.header('content-type') ?? '')) return (await parseBody(c, ImportCsvBody)).csv
  return decodeTextBody(await readRawBody(c), 'csv')
}

export function contactCsvRoutes(r: Router, deps: Deps): void {
  register(r, { method: 'POST', path: '/api/contacts/:id/import', access: 'session', tags, produces: 'application/json', body: ImportCsvBody, textBody: 'text/csv',
    summary: 'Import items from CSV (header phone_number[,label]); body text/csv or JSON {csv}',
    response: { status: 201, description: '{accepted:<n>, rejected:[{row,phone_number,error}], duplicates:[{row,phone_number,reason}], items:[...]}; 200 when every valid number was a duplicate' } }, async (c) => {
    const list = await findList(deps.sql, c.get('user').id, parseId(c.req.param('id'), LIST_NOT_FOUND))
    if (!list) throw new ApiError(404, LIST_NOT_FOUND)
    const { accepted, rejected } = parseImportCsv(await readCsvText(c))
    if (accepted.length === 0) throw new ApiError(400, 'No valid rows to import', { accepted: 0, rejected, duplicates: [] })
    const { fresh, duplicates } = await deps.sql.begin(async (tx) => {
      const split = splitDuplicates(accepted, (await listItems(tx, list.id, null)).items.map((i) => i.phone_number))
      return { ...split, fresh: split.fresh.length ? await insertItems(tx, list.id, split.fresh) : [] }
    })
    // Nothing new (every number already there): 200, the report says why.
    return c.json({ accepted: fresh.length, rejected, duplicates, items: fresh }, fresh.length ? 201 : 200)
  })

  register(r, { method: 'GET', path: '/api/contacts/:id/export', access: 'session', tags, produces: 'text/csv',
    summary: 'Export a list as CSV (phone_number,label)', response: { status: 200, description: 'text/csv' } }, async (c) => {
    const list = await findList(deps.sql, c.get('user').id, parseId(c.req.param('id'), LIST_NOT_FOUND))
    if (!list) throw new ApiError(404, LIST_NOT_FOUND)
    const { items } = await listItems(deps.sql, list.id, null)
    const body = csvLine(['phone_number', 'label']) + items.map((i) => csvLine([i.phone_number, i.label])).join('')
    return c.body(body, 200, {
      'content-type': 'text/csv; charset=utf-8',
      'content-disposition': `attachment; filename=contacts_${list.id}.csv`,
    })
  })
}

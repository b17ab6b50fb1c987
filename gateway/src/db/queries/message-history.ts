/**
 * @module db/queries/message-history
 * The caller's message_logs for history, export and the compatibility POST. Always the caller's own
 * rows (admins included, as the reference). The export reads through a cursor, never all at once.
 */
import type { Queryable } from '../client.js'

export type HistoryFilters = {
  instance: string | null
  status: string | null
  type: string | null
  /** Substring of phone_number. */
  number: string | null
  from: Date | null
  /** Exclusive upper bound. */
  before: Date | null
}

export type LogRow = {
  id: number
  instance_name: string
  phone_number: string
  message_type: string
  status: string
  error_message: string | null
  wa_message_id: string | null
  delivered_at: Date | null
  read_at: Date | null
  scheduled_message_id: number | null
  created_at: Date
}

const COLS = 'id, instance_name, phone_number, message_type, status, error_message, wa_message_id, delivered_at, read_at, scheduled_message_id, created_at'
const likeEscape = (s: string) => s.replace(/[\\%_]/g, (m) => `\\${m}`)

function where(q: Queryable, userId: number, f: HistoryFilters) {
  return q`where user_id = ${userId}
    ${f.instance ? q`and instance_name = ${f.instance}` : q``}
    ${f.status ? q`and status = ${f.status}` : q``}
    ${f.type ? q`and message_type = ${f.type}` : q``}
    ${f.number ? q`and phone_number like ${`%${likeEscape(f.number)}%`}` : q``}
    ${f.from ? q`and created_at >= ${f.from}` : q``}
    ${f.before ? q`and created_at < ${f.before}` : q``}`
}

export async function listHistory(q: Queryable, userId: number, f: HistoryFilters, limit: number, offset: number) {
  const [rows, [count]] = await Promise.all([
    q<LogRow[]>`select ${q.unsafe(COLS)} from taguato.message_logs ${where(q, userId, f)} order by created_at desc, id desc limit ${limit} offset ${offset}`,
    q<{ total: number }[]>`select count(*) as total from taguato.message_logs ${where(q, userId, f)}`,
  ])
  return { rows, total: count?.total ?? 0 }
}

/** Batches of rows, newest first, read through a server-side cursor. */
export function exportCursor(q: Queryable, userId: number, f: HistoryFilters, batch = 500): AsyncIterable<LogRow[]> {
  return q<LogRow[]>`
    select id, instance_name, phone_number, message_type, status, error_message, created_at
    from taguato.message_logs ${where(q, userId, f)} order by created_at desc, id desc`.cursor(batch)
}

export async function insertLog(
  q: Queryable,
  r: { userId: number; instance: string; phone: string; type: string; status: string; error: string | null },
): Promise<LogRow> {
  const [row] = await q<LogRow[]>`
    insert into taguato.message_logs (user_id, instance_name, phone_number, message_type, status, error_message)
    values (${r.userId}, ${r.instance}, ${r.phone}, ${r.type}, ${r.status}, ${r.error})
    returning ${q.unsafe(COLS)}`
  return row!
}

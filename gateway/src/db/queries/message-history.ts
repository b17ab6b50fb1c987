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
  /** Substring of phone_number (also compared with `+`, spaces, dashes, dots and brackets removed on both sides). */
  number: string | null
  /** Case-insensitive substring of message_text. */
  text?: string | null
  /** The bulk/scheduled job the rows were sent for. */
  scheduledMessageId?: number | null
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
  /** What the send said (null for rows older than issue 28 and for client reports). */
  message_text: string | null
  sent_at: Date | null
  failed_at: Date | null
}

const COLS = 'id, instance_name, phone_number, message_type, status, error_message, wa_message_id, delivered_at, read_at, scheduled_message_id, created_at, message_text, sent_at, failed_at'
const likeEscape = (s: string) => s.replace(/[\\%_]/g, (m) => `\\${m}`)
/** The characters people type in numbers that stored numbers may or may not carry. */
const NUMBER_NOISE = '[\\s+().-]'
const digitsOf = (s: string) => s.replace(new RegExp(NUMBER_NOISE, 'g'), '')

function numberMatch(q: Queryable, raw: string) {
  const bare = digitsOf(raw)
  if (!bare || bare === raw) return q`and phone_number like ${`%${likeEscape(raw)}%`}`
  return q`and (phone_number like ${`%${likeEscape(raw)}%`} or regexp_replace(phone_number, ${NUMBER_NOISE}, '', 'g') like ${`%${likeEscape(bare)}%`})`
}

function where(q: Queryable, userId: number, f: HistoryFilters) {
  return q`where user_id = ${userId}
    ${f.instance ? q`and instance_name = ${f.instance}` : q``}
    ${f.status ? q`and status = ${f.status}` : q``}
    ${f.type ? q`and message_type = ${f.type}` : q``}
    ${f.number ? numberMatch(q, f.number) : q``}
    ${f.text ? q`and message_text ilike ${`%${likeEscape(f.text)}%`}` : q``}
    ${f.scheduledMessageId ? q`and scheduled_message_id = ${f.scheduledMessageId}` : q``}
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
    select id, instance_name, phone_number, message_type, status, error_message, created_at, message_text
    from taguato.message_logs ${where(q, userId, f)} order by created_at desc, id desc`.cursor(batch)
}

/**
 * One row by id with its timeline fields: the caller's own, or anyone's when `anyUser` (admins). The
 * owner is filtered here, so another user's id reads as absent (404), never as forbidden.
 */
export async function getLog(q: Queryable, id: number, userId: number, anyUser: boolean): Promise<(LogRow & { user_id: number }) | undefined> {
  const [row] = await q<(LogRow & { user_id: number })[]>`
    select ${q.unsafe(COLS)}, user_id from taguato.message_logs
    where id = ${id} ${anyUser ? q`` : q`and user_id = ${userId}`}`
  return row
}

export type ClientReport = {
  userId: number
  instance: string
  phone: string
  type: string
  status: 'sent' | 'failed' | 'cancelled'
  error: string | null
  /** The WhatsApp message id the client was given (key.id), when it sends one. */
  messageId: string | null
}

/** A client's report that matched no row of the gateway's own: stored as its own row, marked reported. */
export async function insertLog(q: Queryable, r: ClientReport): Promise<LogRow> {
  const [row] = await q<LogRow[]>`
    insert into taguato.message_logs (user_id, instance_name, phone_number, message_type, status, error_message, wa_message_id, client_reported_at)
    values (${r.userId}, ${r.instance}, ${r.phone}, ${r.type}, ${r.status}, ${r.error}, ${r.messageId}, now())
    returning ${q.unsafe(COLS)}`
  return row!
}

/**
 * How long after a send the reference's panel may still report it: it reports a bulk send only once
 * the whole loop ended (up to 500 numbers, 500 ms apart, plus each send's own time).
 */
const REPORT_WINDOW = '15 minutes'

/**
 * Merges a client's report of a send into the row the gateway wrote for that send (D13,
 * docs/decisions.md#d13); null when there is no such row. With a message id that row is the one with that
 * WhatsApp id. Without one (the reference's panel never sends it) it is the newest row of the same user,
 * instance, number and type, with the same outcome (failed or not), written in the last 15 minutes and not
 * yet claimed by another report; so N reports claim N rows. The gateway's facts win: a status that moved
 * on (delivered, read) stays, an error already recorded stays; the report only fills what is missing.
 */
export async function mergeClientReport(q: Queryable, r: ClientReport): Promise<LogRow | null> {
  const target = r.messageId !== null
    ? q`select id from taguato.message_logs where user_id = ${r.userId} and wa_message_id = ${r.messageId} order by id desc limit 1`
    : q`select id from taguato.message_logs
         where user_id = ${r.userId} and instance_name = ${r.instance} and phone_number = ${r.phone}
           and message_type = ${r.type} and client_reported_at is null and scheduled_message_id is null
           and created_at > now() - ${REPORT_WINDOW}::interval
           and (status = 'failed') = ${r.status === 'failed'}
         order by id desc limit 1 for update skip locked`
  const [row] = await q<LogRow[]>`
    update taguato.message_logs
       set client_reported_at = coalesce(client_reported_at, now()),
           error_message = coalesce(error_message, ${r.error})
     where id = (${target})
    returning ${q.unsafe(COLS)}`
  return row ?? null
}

/**
 * @module upstream/db/messages
 * Queries on upstream.messages: every message of an instance (accepted by a send route, received, sent
 * from the phone, synced from history) with its ack status and the columns the find routes answer.
 * One row per (instance, key id): a message reported twice (a redelivery, our own send echoed by
 * Baileys) is stored once.
 */
import type postgres from 'postgres'
import type { Tx } from './instances.js'

export type AckStatus = 'PENDING' | 'SERVER_ACK' | 'DELIVERY_ACK' | 'READ' | 'PLAYED' | 'ERROR'

/** `send`: accepted by a /message route; `live`: received or sent from the phone while connected; `history`: a history sync. */
export type MessageOrigin = 'send' | 'live' | 'history'

/** Media metadata as the driver gave it (bytes as base64); all null for a message without media. */
export type MediaFields = {
  mediaType: string | null
  mediaMimetype: string | null
  mediaFileLength: number | null
  mediaFileName: string | null
  mediaUrl: string | null
  mediaDirectPath: string | null
  mediaKey: string | null
  mediaFileSha256: string | null
  mediaFileEncSha256: string | null
  /** The Cloud API's media id (Meta serves the file by it). */
  mediaId: string | null
}

/** The columns a row is written with and read back as they were. */
type MessageColumns = {
  id: string
  instanceId: string
  keyId: string
  remoteJid: string
  number: string
  fromMe: boolean
  /** What the send route was (`text`, `media`, ...); for other origins derived from the message type. */
  kind: string
  messageType: string
  /** The accepted request body of a send; the content otherwise. */
  payload: unknown
  /** The messageRaw as answered / relayed. */
  raw: Record<string, unknown>
  status: AckStatus
  origin: MessageOrigin
  key: Record<string, unknown>
  participant: string | null
  pushName: string
  message: Record<string, unknown>
  source: string
  contextInfo: Record<string, unknown> | null
}

/** A stored row. bigint columns (seq, message_timestamp, media_file_length) come back as strings. */
export type MessageRow = MessageColumns &
  Omit<MediaFields, 'mediaFileLength'> & {
    seq: string
    messageTimestamp: string
    mediaFileLength: string | null
    deleted: boolean
    edited: boolean
    createdAt: Date
    updatedAt: Date
  }

export type NewMessage = MessageColumns & MediaFields & { messageTimestamp: number }

/** Rows as one jsonb parameter, read back with jsonb_to_recordset: a batch costs one statement. */
function recordset(sql: Tx, rows: NewMessage[]) {
  const json = rows.map((m) => ({
    id: m.id, key_id: m.keyId, remote_jid: m.remoteJid, number: m.number, from_me: m.fromMe, kind: m.kind, message_type: m.messageType,
    payload: m.payload ?? null, raw: m.raw, status: m.status, origin: m.origin, key: m.key, participant: m.participant, push_name: m.pushName,
    message: m.message, message_timestamp: m.messageTimestamp, source: m.source, context_info: m.contextInfo, media_type: m.mediaType,
    media_mimetype: m.mediaMimetype, media_file_length: m.mediaFileLength, media_file_name: m.mediaFileName, media_url: m.mediaUrl,
    media_direct_path: m.mediaDirectPath, media_key: m.mediaKey, media_file_sha256: m.mediaFileSha256,
    media_file_enc_sha256: m.mediaFileEncSha256, media_id: m.mediaId,
  }))
  return sql`jsonb_to_recordset(${sql.json(json as postgres.JSONValue)}) as x(
    id uuid, key_id text, remote_jid text, number text, from_me boolean, kind text, message_type text, payload jsonb, raw jsonb,
    status text, origin text, key jsonb, participant text, push_name text, message jsonb, message_timestamp bigint, source text,
    context_info jsonb, media_type text, media_mimetype text, media_file_length bigint, media_file_name text, media_url text,
    media_direct_path text, media_key text, media_file_sha256 text, media_file_enc_sha256 text, media_id text)`
}

const COLUMNS = (sql: Tx) => sql`(id, instance_id, key_id, remote_jid, number, from_me, kind, message_type, payload, raw, status, origin, key,
  participant, push_name, message, message_timestamp, source, context_info, media_type, media_mimetype, media_file_length,
  media_file_name, media_url, media_direct_path, media_key, media_file_sha256, media_file_enc_sha256, media_id)`

const VALUES = (sql: Tx, instanceId: string) => sql`x.id, ${instanceId}::uuid, x.key_id, x.remote_jid, x.number, x.from_me, x.kind,
  x.message_type, x.payload, x.raw, x.status, x.origin, x.key, x.participant, x.push_name, x.message, x.message_timestamp, x.source,
  x.context_info, x.media_type, x.media_mimetype, x.media_file_length, x.media_file_name, x.media_url, x.media_direct_path,
  x.media_key, x.media_file_sha256, x.media_file_enc_sha256, x.media_id`

/**
 * Stores messages of one instance that are not stored yet; returns only the rows inserted (in the
 * given order), so a redelivered message is neither stored nor relayed twice.
 */
export async function storeMessages(sql: Tx, instanceId: string, rows: NewMessage[]): Promise<MessageRow[]> {
  if (rows.length === 0) return []
  return sql<MessageRow[]>`
    insert into upstream.messages ${COLUMNS(sql)}
    select ${VALUES(sql, instanceId)} from ${recordset(sql, rows)}
    on conflict (instance_id, key_id) do nothing
    returning *`
}

/**
 * Stores a message a send route accepted, and opens (or touches) its chat in the same statement: the
 * send path stays one round trip. When Baileys' echo of the send got there first, the row becomes the
 * send's (origin, kind, request body, answer). Replying reads the chat: its unread count drops to 0.
 */
export async function insertSentMessage(sql: Tx, m: NewMessage): Promise<{ row: MessageRow; chatCreated: boolean }> {
  const [row] = await sql<(MessageRow & { chatCreated: boolean })[]>`
    with m as (
      insert into upstream.messages ${COLUMNS(sql)}
      select ${VALUES(sql, m.instanceId)} from ${recordset(sql, [m])}
      on conflict (instance_id, key_id) do update
        set origin = 'send', kind = excluded.kind, payload = excluded.payload, raw = excluded.raw, updated_at = now()
      returning *
    ), c as (
      insert into upstream.chats (instance_id, remote_jid)
      -- A status (sendStatus) is a broadcast, not a conversation: it opens no chat.
      select instance_id, remote_jid from m where remote_jid <> 'status@broadcast'
      on conflict (instance_id, remote_jid) do update set unread_messages = 0, marked_unread = false, updated_at = now()
      returning (xmax = 0) as created
    )
    select m.*, coalesce((select created from c), false) as chat_created from m`
  const { chatCreated, ...msg } = row!
  return { row: msg, chatCreated }
}

/** Ack ranks: an automatic ack never moves a message backwards, and ERROR is final. */
const RANK: Record<AckStatus, number> = { PENDING: 0, SERVER_ACK: 1, DELIVERY_ACK: 2, READ: 3, PLAYED: 4, ERROR: 99 }

/**
 * Applies an ack to one of the instance's messages and writes its status history row (message_updates)
 * in the same statement. Without `force` it only moves forward (atomically, so concurrent acks cannot
 * regress a message); with `force` (the sandbox ack route) it always applies. Null when not applied.
 */
export async function applyAck(sql: Tx, instanceId: string, keyId: string, status: AckStatus, force: boolean): Promise<MessageRow | null> {
  const lower = (Object.keys(RANK) as AckStatus[]).filter((s) => RANK[s] < RANK[status])
  const [row] = await sql<MessageRow[]>`
    with m as (
      update upstream.messages set status = ${status}, updated_at = now()
       where instance_id = ${instanceId} and key_id = ${keyId} and (${force} or status = any(${lower}::text[]))
      returning *
    ), u as (
      insert into upstream.message_updates (instance_id, message_id, key_id, remote_jid, from_me, participant, status)
      select instance_id, id, key_id, remote_jid, from_me, participant, status from m
    )
    select * from m`
  return row ?? null
}

/** One of the instance's messages by WhatsApp key id. */
export async function findStoredMessage(sql: Tx, instanceId: string, keyId: string): Promise<MessageRow | null> {
  const [row] = await sql<MessageRow[]>`select * from upstream.messages where instance_id = ${instanceId} and key_id = ${keyId}`
  return row ?? null
}

/** A message by key id across instances (the sandbox ack route names only the id); sends first. */
export async function findMessageByKeyId(sql: Tx, keyId: string): Promise<(MessageRow & { instanceName: string }) | null> {
  const [row] = await sql<(MessageRow & { instanceName: string })[]>`
    select m.*, i.name as instance_name
      from upstream.messages m join upstream.instances i on i.id = m.instance_id
     where m.key_id = ${keyId}
     order by (m.origin = 'send') desc, m.seq
     limit 1`
  return row ?? null
}

/** Marks messages deleted (revoked, or deleted on the phone); returns the rows that exist. */
export async function markDeleted(sql: Tx, instanceId: string, keyIds: string[]): Promise<MessageRow[]> {
  if (keyIds.length === 0) return []
  return sql<MessageRow[]>`
    update upstream.messages set deleted = true, updated_at = now()
     where instance_id = ${instanceId} and key_id = any(${keyIds}::text[])
    returning *`
}

/** Marks every message of a chat deleted (the phone cleared it); returns how many. */
export async function markChatDeleted(sql: Tx, instanceId: string, remoteJid: string): Promise<number> {
  const res = await sql`
    update upstream.messages set deleted = true, updated_at = now()
     where instance_id = ${instanceId} and remote_jid = ${remoteJid} and not deleted`
  return res.count
}

/** Replaces an edited message's content; null when the message is not stored. */
export async function applyEdit(
  sql: Tx, instanceId: string, keyId: string, e: { message: Record<string, unknown>; messageType: string; contextInfo: Record<string, unknown> | null },
): Promise<MessageRow | null> {
  const [row] = await sql<MessageRow[]>`
    update upstream.messages
       set message = ${sql.json(e.message as postgres.JSONValue)}, message_type = ${e.messageType},
           context_info = coalesce(${e.contextInfo === null ? null : sql.json(e.contextInfo as postgres.JSONValue)}::jsonb, context_info),
           edited = true, updated_at = now()
     where instance_id = ${instanceId} and key_id = ${keyId}
    returning *`
  return row ?? null
}

/** True when this instance has already exchanged messages with the JID (Evolution's onWhatsApp cache). */
export async function jidKnown(sql: Tx, instanceId: string, jid: string): Promise<boolean> {
  const [row] = await sql`select 1 from upstream.messages where instance_id = ${instanceId} and remote_jid = ${jid} limit 1`
  return row !== undefined
}

/** Messages accepted by the send routes, oldest first, optionally for one instance name and/or one number. */
export async function listSentMessages(sql: Tx, f: { instance?: string | undefined; number?: string | undefined }) {
  return sql<(MessageRow & { instanceName: string })[]>`
    select m.*, i.name as instance_name
      from upstream.messages m join upstream.instances i on i.id = m.instance_id
     where m.origin = 'send'
       and (${f.instance ?? null}::text is null or i.name = ${f.instance ?? null})
       and (${f.number ?? null}::text is null or m.number = ${f.number ?? null})
     order by m.seq`
}

/** Removes messages accepted by the send routes (all, or one instance's); returns how many. */
export async function deleteSentMessages(sql: Tx, instance?: string): Promise<number> {
  const res = await sql`
    delete from upstream.messages m using upstream.instances i
     where i.id = m.instance_id and m.origin = 'send' and (${instance ?? null}::text is null or i.name = ${instance ?? null})`
  return res.count
}

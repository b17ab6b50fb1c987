/**
 * @module services/message-log/message-type
 * What a /message/* send is logged as (D13, docs/decisions.md#d13): the message_type per upstream action, the recipient
 * (number or JID as given), and the outcome read from the upstream answer (error text, WhatsApp id).
 */

/** Upstream action (second path segment, any case) -> message_type; sendMedia uses body.mediatype. */
const TYPES: Record<string, string> = {
  sendtext: 'text',
  sendwhatsappaudio: 'audio',
  sendlocation: 'location',
  sendcontact: 'contact',
  sendreaction: 'reaction',
  sendpoll: 'poll',
  sendlist: 'list',
  sendbuttons: 'buttons',
  sendsticker: 'sticker',
  sendptv: 'ptv',
  sendstatus: 'status',
  sendtemplate: 'template',
}

type Body = Record<string, unknown> | null

const str = (v: unknown): string | null => (typeof v === 'string' && v !== '' ? v : typeof v === 'number' ? String(v) : null)

export function messageTypeFor(action: string, body: Body): string {
  const a = action.toLowerCase()
  if (a === 'sendmedia') return (str(body?.mediatype) ?? 'media').slice(0, 20)
  return TYPES[a] ?? a.replace(/^send/, '').slice(0, 20)
}

/** The recipient as the client gave it: `number`, else a reaction's `key.remoteJid`; status posts have none. */
export function recipientFor(action: string, body: Body): string {
  const n = str(body?.number)
  if (n) return n.slice(0, 128)
  const key = body?.key
  const jid = key && typeof key === 'object' ? str((key as Record<string, unknown>).remoteJid) : null
  if (jid) return jid.slice(0, 128)
  return action.toLowerCase() === 'sendstatus' ? 'status@broadcast' : ''
}

/** The upstream's error text: Evolution puts details in response.message (string or nested arrays). */
export function upstreamErrorText(body: unknown): string | null {
  if (body === null || body === undefined || body === '') return null
  if (typeof body === 'string') return body.slice(0, 1000)
  if (typeof body !== 'object') return String(body)
  const b = body as Record<string, unknown>
  const resp = b.response as Record<string, unknown> | undefined
  const detail = resp && typeof resp === 'object' && 'message' in resp ? resp.message : (b.message ?? b.error)
  const text = typeof detail === 'string' ? detail : JSON.stringify(detail ?? body)
  return text.slice(0, 1000)
}

/** key.id of a messageRaw answer, when present. */
export function waMessageId(body: unknown): string | null {
  if (!body || typeof body !== 'object') return null
  const key = (body as Record<string, unknown>).key
  if (!key || typeof key !== 'object') return null
  return str((key as Record<string, unknown>).id)?.slice(0, 128) ?? null
}

const KEY_OPEN = Buffer.from('{"key":{')
const ID_FIELD = Buffer.from('"id":"')
const QUOTE = 0x22
const BACKSLASH = 0x5c
const BRACE_OPEN = 0x7b
const BRACE_CLOSE = 0x7d

/**
 * `waMessageId` of an answer read straight from its bytes, for Evolution's plain messageRaw shape:
 * the body starts with `{"key":{`, the key object holds no escape and no nested object, and it has an
 * `"id":"` member. Then every quote in it is structural, so the id is exactly what JSON.parse would
 * give. undefined for any other shape (the caller parses). perf: a send's answer is otherwise parsed
 * whole only to read this one field.
 */
export function scanKeyId(buf: Buffer): string | null | undefined {
  if (buf.length < KEY_OPEN.length + 2 || buf.compare(KEY_OPEN, 0, KEY_OPEN.length, 0, KEY_OPEN.length) !== 0) return undefined
  let last = buf.length - 1
  while (last > 0 && (buf[last] === 0x20 || buf[last] === 0x0a || buf[last] === 0x0d || buf[last] === 0x09)) last--
  if (buf[last] !== BRACE_CLOSE) return undefined
  const start = KEY_OPEN.length
  const end = buf.indexOf(BRACE_CLOSE, start)
  if (end === -1) return undefined
  for (let i = start; i < end; i++) if (buf[i] === BACKSLASH || buf[i] === BRACE_OPEN) return undefined
  let at = buf.indexOf(ID_FIELD, start)
  if (at === -1 || at > end) return undefined
  // A member name: right after the object's opening brace or a comma.
  if (at !== start && buf[at - 1] !== 0x2c) return undefined
  at += ID_FIELD.length
  const close = buf.indexOf(QUOTE, at)
  if (close === -1 || close > end) return undefined
  // A repeated member: JSON.parse keeps the last one; leave that to it.
  const again = buf.indexOf(ID_FIELD, close)
  if (again !== -1 && again < end) return undefined
  const id = buf.toString('utf8', at, close)
  return id === '' ? null : id.slice(0, 128)
}

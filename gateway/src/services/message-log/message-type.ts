/**
 * @module services/message-log/message-type
 * What a /message/* send is logged as (D13): the message_type per upstream action, the recipient
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

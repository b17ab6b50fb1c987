/**
 * @module upstream/driver/cloud/webhook
 * Meta's webhook payload (`entry[].changes[].value`) -> per phone number id, the acks (`statuses[]`)
 * and inbound messages (`messages[]`) in the shapes the Baileys path emits: statuses use Evolution's
 * words (sent SERVER_ACK, delivered DELIVERY_ACK, read READ, failed ERROR + `error {code, message}`)
 * and inbound messages are proto-like (`{conversation}`, `{imageMessage:{caption, mimetype, id}}`, ...).
 * Anything it does not understand is skipped, never thrown: Meta would retry a refused delivery forever.
 */
import type { AckStatus } from '../../db/messages.js'
import type { AckEvent, WaMessage } from '../types.js'

export type RoutedChange = { phoneNumberId: string; acks: AckEvent[]; inbound: WaMessage[] }

type Obj = Record<string, unknown>
const obj = (v: unknown): Obj | null => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Obj) : null)
const arr = (v: unknown): unknown[] => (Array.isArray(v) ? v : [])
const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : typeof v === 'number' ? String(v) : undefined)

const STATUS: Record<string, AckStatus> = { sent: 'SERVER_ACK', delivered: 'DELIVERY_ACK', read: 'READ', failed: 'ERROR' }

const jidOf = (waId: string) => `${waId.replace(/\D/g, '')}@s.whatsapp.net`

function parseStatus(s: Obj): AckEvent | null {
  const id = str(s.id)
  const status = STATUS[str(s.status) ?? '']
  const recipient = str(s.recipient_id)
  if (!id || !status || !recipient) return null
  const ev: AckEvent = { keyId: id, remoteJid: jidOf(recipient), status }
  if (status === 'ERROR') {
    const e = obj(arr(s.errors)[0])
    const code = Number(e?.code)
    const details = str(obj(e?.error_data)?.details)
    const message = str(e?.message) ?? str(e?.title) ?? 'failed'
    ev.error = { code: Number.isFinite(code) ? code : 0, message: details && details !== message ? `${message}: ${details}` : message }
  }
  return ev
}

function media(kind: string, m: Obj): { message: Obj; messageType: string } {
  const src = obj(m[kind]) ?? {}
  const type = `${kind}Message`
  const body: Obj = { id: str(src.id), mimetype: str(src.mime_type) }
  if (src.caption !== undefined) body.caption = str(src.caption)
  if (kind === 'document') body.fileName = str(src.filename)
  if (kind === 'audio' && src.voice === true) body.ptt = true
  if (src.sha256 !== undefined) body.fileSha256 = str(src.sha256)
  return { message: { [type]: body }, messageType: type }
}

function vcard(c: Obj): { displayName: string; vcard: string } {
  const name = str(obj(c.name)?.formatted_name) ?? ''
  let out = `BEGIN:VCARD\nVERSION:3.0\nN:${name}\nFN:${name}\n`
  for (const p of arr(c.phones).map(obj)) {
    if (p) out += `item1.TEL;waid=${str(p.wa_id) ?? ''}:${str(p.phone) ?? ''}\n`
  }
  return { displayName: name, vcard: `${out}END:VCARD` }
}

/** The proto-like message for one inbound Cloud API message. */
function inboundContent(m: Obj, chatJid: string): { message: Obj; messageType: string } {
  const type = str(m.type) ?? 'unknown'
  switch (type) {
    case 'text':
      return { message: { conversation: str(obj(m.text)?.body) ?? '' }, messageType: 'conversation' }
    case 'image':
    case 'video':
    case 'audio':
    case 'document':
    case 'sticker':
      return media(type, m)
    case 'location': {
      const l = obj(m.location) ?? {}
      return {
        message: { locationMessage: { degreesLatitude: l.latitude, degreesLongitude: l.longitude, name: str(l.name), address: str(l.address) } },
        messageType: 'locationMessage',
      }
    }
    case 'contacts': {
      const cards = arr(m.contacts).map(obj).filter((c): c is Obj => c !== null).map(vcard)
      if (cards.length === 1) return { message: { contactMessage: cards[0] }, messageType: 'contactMessage' }
      return { message: { contactsArrayMessage: { displayName: `${cards.length} contacts`, contacts: cards } }, messageType: 'contactsArrayMessage' }
    }
    case 'button': {
      const b = obj(m.button) ?? {}
      return { message: { buttonsResponseMessage: { selectedButtonId: str(b.payload), selectedDisplayText: str(b.text) } }, messageType: 'buttonsResponseMessage' }
    }
    case 'interactive': {
      const i = obj(m.interactive) ?? {}
      const list = obj(i.list_reply)
      if (list) {
        return {
          message: { listResponseMessage: { title: str(list.title), description: str(list.description), singleSelectReply: { selectedRowId: str(list.id) } } },
          messageType: 'listResponseMessage',
        }
      }
      const b = obj(i.button_reply) ?? {}
      return { message: { buttonsResponseMessage: { selectedButtonId: str(b.id), selectedDisplayText: str(b.title) } }, messageType: 'buttonsResponseMessage' }
    }
    case 'reaction': {
      const r = obj(m.reaction) ?? {}
      // The reacted-to message is ours (a customer reacts to what the business sent).
      return {
        message: { reactionMessage: { key: { remoteJid: chatJid, fromMe: true, id: str(r.message_id) }, text: str(r.emoji) ?? '' } },
        messageType: 'reactionMessage',
      }
    }
    default:
      return { message: { unsupportedMessage: { type } }, messageType: type }
  }
}

function parseInbound(m: Obj, contacts: Obj[]): WaMessage | null {
  const from = str(m.from)
  const id = str(m.id)
  if (!from || !id) return null
  const who = contacts.find((c) => str(c.wa_id) === from) ?? contacts[0]
  const remoteJid = jidOf(from)
  const { message, messageType } = inboundContent(m, remoteJid)
  const ts = Number(str(m.timestamp))
  return {
    key: { remoteJid, fromMe: false, id },
    pushName: str(obj(who?.profile)?.name) ?? '',
    message,
    messageType,
    messageTimestamp: Number.isFinite(ts) && ts > 0 ? ts : Math.floor(Date.now() / 1000),
    status: 'DELIVERY_ACK',
  }
}

/** Every `messages` change of the payload, grouped by phone number id (other fields are ignored). */
export function parseMetaWebhook(payload: unknown): RoutedChange[] {
  const out: RoutedChange[] = []
  for (const entry of arr(obj(payload)?.entry).map(obj)) {
    for (const change of arr(entry?.changes).map(obj)) {
      const value = obj(change?.value)
      const phoneNumberId = str(obj(value?.metadata)?.phone_number_id)
      if (!value || !phoneNumberId) continue
      const contacts = arr(value.contacts).map(obj).filter((c): c is Obj => c !== null)
      const acks = arr(value.statuses).map(obj).filter((s): s is Obj => s !== null).map(parseStatus).filter((a): a is AckEvent => a !== null)
      const inbound = arr(value.messages).map(obj).filter((m): m is Obj => m !== null).map((m) => parseInbound(m, contacts)).filter((m): m is WaMessage => m !== null)
      if (acks.length || inbound.length) out.push({ phoneNumberId, acks, inbound })
    }
  }
  return out
}

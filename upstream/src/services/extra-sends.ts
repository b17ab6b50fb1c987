/**
 * @module upstream/services/extra-sends
 * sendSticker, sendPtv and sendStatus bodies -> driver content, with Evolution's 400s. Media are a URL or
 * base64 (a multipart `file` already replaced the field: routes/form-body.ts), classified by the same
 * rules as sendMedia (services/media.ts), so URLs are downloaded through the outbound guard by the send
 * flow. sendStatus checks in Evolution's order; `font: 0` is accepted (Evolution refuses it although its
 * schema allows it, an Evolution quirk we fix, listed in docs/chats-and-history.md) and `statusJidList` numbers are normalised to JIDs (Evolution passes them as given).
 */
import type * as v from 'valibot'
import type { SendPtvBody, SendStatusBody, SendStickerBody } from '../../../common/src/evolution/request-bodies.js'
import { listContacts } from '../db/contacts.js'
import type { Tx } from '../db/instances.js'
import type { OutboundContent } from '../driver/types.js'
import { badRequest } from '../lib/errors.js'
import { createJid } from '../lib/jid.js'
import { resolveMedia } from './media.js'
import type { GuardRules } from './outbound.js'

const NO_MEDIA = 'Owned media must be a url or base64'

export function stickerContent(b: v.InferOutput<typeof SendStickerBody>, guard: GuardRules): OutboundContent {
  if (!b.sticker) throw badRequest(NO_MEDIA)
  const { source, mimetype } = resolveMedia(b.sticker, 'image', { guard })
  return { kind: 'sticker', media: source, mimetype }
}

export function ptvContent(b: v.InferOutput<typeof SendPtvBody>, guard: GuardRules): OutboundContent {
  if (!b.video) throw badRequest(NO_MEDIA)
  const { source } = resolveMedia(b.video, 'video', { guard })
  // WhatsApp plays video notes from MP4 only.
  return { kind: 'ptv', media: source, mimetype: 'video/mp4' }
}

/** Every stored 1:1 contact with a name (Evolution's allContacts: contacts that have a pushName). */
async function allContactJids(sql: Tx, instanceId: string): Promise<string[]> {
  const rows = await listContacts(sql, instanceId, {}, { limit: null, offset: 0 })
  return rows.filter((r) => r.pushName && r.remoteJid.endsWith('@s.whatsapp.net')).map((r) => r.remoteJid)
}

export async function statusContent(sql: Tx, instanceId: string, b: v.InferOutput<typeof SendStatusBody>, guard: GuardRules): Promise<OutboundContent> {
  if (!b.content) throw badRequest('Content is required')
  let recipients: string[]
  if (b.allContacts) {
    recipients = await allContactJids(sql, instanceId)
    if (recipients.length === 0) throw badRequest('Contacts not found')
  } else {
    if (!b.statusJidList?.length) throw badRequest('StatusJidList is required')
    recipients = [...new Set(b.statusJidList.map(createJid))]
  }
  const common = { kind: 'status' as const, type: b.type, statusJidList: recipients, caption: b.caption }
  if (b.type === 'text') {
    if (!b.backgroundColor) throw badRequest('Background color is required')
    if (b.font === undefined) throw badRequest('Font is required')
    return { ...common, text: b.content, backgroundColor: b.backgroundColor, font: b.font }
  }
  const { source, mimetype } = resolveMedia(b.content, b.type, { guard })
  return { ...common, media: source, mimetype: b.type === 'audio' ? 'audio/ogg; codecs=opus' : mimetype }
}

/**
 * @module upstream/driver/baileys/content
 * OutboundContent -> the content object Baileys' sendMessage takes (R10, docs/decisions.md#r10). Lists and
 * buttons are no longer rendered by WhatsApp for most accounts and rc14 has no fields for them: they go
 * out as a formatted text so the recipient still sees the choices. Templates are a Cloud API feature.
 */
import type { AnyMessageContent, WAMediaUpload } from '@whiskeysockets/baileys'
import { badRequest } from '../../lib/errors.js'
import { vcard } from '../sandbox-content.js'
import type { MediaSource, OutboundContent } from '../types.js'

/**
 * Baileys builds a link preview by fetching the first URL of a text itself (when link-preview-js is
 * installed), outside the outbound guard. An explicit null tells it there is no preview to make, so a
 * text can never make the upstream fetch a URL (docs/security.md).
 */
const NO_PREVIEW = null

/** Voice notes are Opus in Ogg, flagged ptt, as WhatsApp's own clients send them. */
export const VOICE_NOTE_MIMETYPE = 'audio/ogg; codecs=opus'

/**
 * `{url}` is never handed to Baileys (it would fetch it unguarded): the send service downloads it
 * first. Should one arrive anyway, it is refused rather than fetched.
 */
export const media = (src: MediaSource): WAMediaUpload => {
  if ('downloaded' in src) return src.downloaded
  if ('base64' in src) return Buffer.from(src.base64, 'base64')
  throw badRequest('media URL was not downloaded before the send')
}

type ListContent = Extract<OutboundContent, { kind: 'list' }>
type ButtonsContent = Extract<OutboundContent, { kind: 'buttons' }>

function listText(c: ListContent): string {
  const lines = [`*${c.title}*`, c.description]
  for (const section of c.sections) {
    lines.push('', `*${section.title}*`)
    for (const row of section.rows) lines.push(row.description ? `• ${row.title}: ${row.description}` : `• ${row.title}`)
  }
  if (c.footerText) lines.push('', `_${c.footerText}_`)
  return lines.join('\n')
}

/** The label a client sees on a button, whatever shape Evolution's body gave it. */
function buttonLabel(b: Record<string, unknown>): string | null {
  for (const k of ['displayText', 'title', 'text', 'copyCode', 'url', 'phoneNumber']) {
    if (typeof b[k] === 'string' && b[k]) return b[k]
  }
  return null
}

function buttonsText(c: ButtonsContent): string {
  const labels = c.buttons.map(buttonLabel).filter((l): l is string => l !== null)
  const lines = [`*${c.title}*`, c.description, '', ...labels.map((l, i) => `${i + 1}. ${l}`)]
  if (c.footer) lines.push('', `_${c.footer}_`)
  return lines.join('\n')
}

export function toBaileysContent(content: OutboundContent): AnyMessageContent {
  switch (content.kind) {
    case 'text':
      return { text: content.text, linkPreview: NO_PREVIEW, ...(content.mentions?.length ? { mentions: content.mentions } : {}) }
    case 'media': {
      const src = media(content.media)
      const caption = content.caption !== undefined ? { caption: content.caption } : {}
      switch (content.mediatype) {
        case 'image':
          return { image: src, mimetype: content.mimetype, ...caption }
        case 'video':
          return { video: src, mimetype: content.mimetype, ...caption }
        case 'audio':
          return { audio: src, mimetype: content.mimetype }
        case 'document':
          return { document: src, mimetype: content.mimetype, fileName: content.fileName ?? 'document', ...caption }
      }
      break
    }
    case 'audio':
      return { audio: media(content.media), mimetype: VOICE_NOTE_MIMETYPE, ptt: true }
    case 'location':
      return {
        location: { degreesLatitude: content.latitude, degreesLongitude: content.longitude, name: content.name, address: content.address },
      }
    case 'contact': {
      const cards = content.contacts.map((c) => ({ displayName: c.fullName, vcard: vcard(c) }))
      const displayName = cards.length === 1 ? cards[0]!.displayName : `${cards.length} contacts`
      return { contacts: { displayName, contacts: cards } }
    }
    case 'reaction':
      return { react: { text: content.reaction, key: content.key } }
    case 'poll':
      return { poll: { name: content.name, values: content.values, selectableCount: content.selectableCount } }
    case 'list':
      return { text: listText(content), linkPreview: NO_PREVIEW }
    case 'buttons':
      return { text: buttonsText(content), linkPreview: NO_PREVIEW }
    case 'template':
      throw badRequest('Templates need a WHATSAPP-BUSINESS instance (Cloud API); WhatsApp Web (Baileys) cannot send them')
  }
  throw badRequest('Unsupported message content')
}

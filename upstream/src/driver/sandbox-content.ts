/**
 * @module upstream/driver/sandbox-content
 * Builds the WhatsApp `message` object and `messageType` for each outbound content kind, with
 * placeholder media fields (url, mediaKey, hashes) where a real upload would fill them.
 */
import { createHash, randomBytes } from 'node:crypto'
import { indexedBytes } from '../lib/ids.js'
import type { MediaSource, OutboundContent } from './types.js'

type Built = { message: Record<string, unknown>; messageType: string }

function mediaFields(src: MediaSource, mimetype: string) {
  const bytes = 'base64' in src ? Buffer.from(src.base64, 'base64') : 'downloaded' in src ? src.downloaded : Buffer.from(src.url, 'utf8')
  const enc = randomBytes(16).toString('hex')
  return {
    url: `https://mmg.whatsapp.net/o1/v/t62.7118-24/sandbox-${enc}.enc`,
    mimetype,
    fileSha256: indexedBytes(createHash('sha256').update(bytes).digest()),
    // The send service downloads URLs before the sandbox sees them; a bare URL (direct driver tests) has no length.
    fileLength: 'url' in src ? '0' : String(bytes.length),
    mediaKey: indexedBytes(randomBytes(32)),
    fileEncSha256: indexedBytes(randomBytes(32)),
    directPath: `/o1/v/t62.7118-24/sandbox-${enc}.enc`,
    mediaKeyTimestamp: String(Math.floor(Date.now() / 1000)),
  }
}

/** The vCard Evolution builds for a contact (also what the Baileys driver sends). */
export function vcard(c: { fullName: string; wuid: string; phoneNumber: string; organization?: string | undefined; email?: string | undefined; url?: string | undefined }): string {
  let out = `BEGIN:VCARD\nVERSION:3.0\nN:${c.fullName}\nFN:${c.fullName}\n`
  if (c.organization) out += `ORG:${c.organization};\n`
  if (c.email) out += `EMAIL:${c.email}\n`
  if (c.url) out += `URL:${c.url}\n`
  return `${out}item1.TEL;waid=${c.wuid}:${c.phoneNumber}\nitem1.X-ABLabel:Celular\nEND:VCARD`
}

/** A status as WhatsApp builds it: text with its ARGB background and font, or the media message. */
function statusMessage(c: Extract<OutboundContent, { kind: 'status' }>): Built {
  if (c.type === 'text' || !c.media) {
    const argb = c.backgroundColor ? Number.parseInt(`ff${c.backgroundColor.replace('#', '').slice(0, 6).padStart(6, '0')}`, 16) : undefined
    return { message: { extendedTextMessage: { text: c.text ?? '', backgroundArgb: argb, font: c.font } }, messageType: 'extendedTextMessage' }
  }
  const type = `${c.type}Message`
  const body: Record<string, unknown> = { ...mediaFields(c.media, c.mimetype ?? 'application/octet-stream') }
  if (c.caption !== undefined && c.type !== 'audio') body.caption = c.caption
  if (c.type === 'audio') Object.assign(body, { seconds: 0, ptt: true })
  return { message: { [type]: body }, messageType: type }
}

/** The proto-shaped message for one content. */
export function buildMessage(content: OutboundContent): Built {
  switch (content.kind) {
    case 'text':
      // Mentions ride in contextInfo, so the text is an extendedTextMessage (what Baileys builds too).
      if (content.mentions?.length) {
        return { message: { extendedTextMessage: { text: content.text, contextInfo: { mentionedJid: content.mentions } } }, messageType: 'extendedTextMessage' }
      }
      // Baileys' extendedTextMessage is folded into `conversation` by Evolution.
      return { message: { conversation: content.text }, messageType: 'conversation' }
    case 'media': {
      const type = `${content.mediatype}Message`
      const body: Record<string, unknown> = { ...mediaFields(content.media, content.mimetype) }
      if (content.caption !== undefined) body.caption = content.caption
      if (content.mediatype === 'document') {
        body.fileName = content.fileName ?? 'document'
        body.title = content.fileName ?? 'document'
      }
      if (content.mediatype === 'video' || content.mediatype === 'audio') body.seconds = 0
      return { message: { [type]: body }, messageType: type }
    }
    case 'audio':
      return {
        message: { audioMessage: { ...mediaFields(content.media, 'audio/ogg; codecs=opus'), seconds: 0, ptt: true } },
        messageType: 'audioMessage',
      }
    case 'location':
      return {
        message: {
          locationMessage: {
            degreesLatitude: content.latitude,
            degreesLongitude: content.longitude,
            name: content.name,
            address: content.address,
          },
        },
        messageType: 'locationMessage',
      }
    case 'contact': {
      const cards = content.contacts.map((c) => ({ displayName: c.fullName, vcard: vcard(c) }))
      if (cards.length === 1) return { message: { contactMessage: cards[0] }, messageType: 'contactMessage' }
      return {
        message: { contactsArrayMessage: { displayName: `${cards.length} contacts`, contacts: cards } },
        messageType: 'contactsArrayMessage',
      }
    }
    case 'reaction':
      return {
        message: { reactionMessage: { key: content.key, text: content.reaction, senderTimestampMs: String(Date.now()) } },
        messageType: 'reactionMessage',
      }
    case 'poll':
      return {
        message: {
          pollCreationMessage: {
            name: content.name,
            options: content.values.map((optionName) => ({ optionName })),
            selectableOptionsCount: content.selectableCount,
          },
        },
        messageType: 'pollCreationMessage',
      }
    case 'list':
      return {
        message: {
          listMessage: {
            title: content.title,
            description: content.description,
            buttonText: content.buttonText,
            footerText: content.footerText,
            listType: 'SINGLE_SELECT',
            sections: content.sections,
          },
        },
        messageType: 'listMessage',
      }
    case 'buttons':
      return {
        message: {
          interactiveMessage: {
            header: { title: content.title },
            body: { text: content.description },
            footer: { text: content.footer },
            nativeFlowMessage: { buttons: content.buttons },
          },
        },
        messageType: 'interactiveMessage',
      }
    case 'template':
      return {
        message: { templateMessage: { name: content.name, language: content.language, components: content.components } },
        messageType: 'templateMessage',
      }
    case 'sticker':
      return { message: { stickerMessage: { ...mediaFields(content.media, content.mimetype), isAnimated: content.animated ?? false } }, messageType: 'stickerMessage' }
    case 'ptv':
      return { message: { ptvMessage: { ...mediaFields(content.media, content.mimetype), seconds: 0 } }, messageType: 'ptvMessage' }
    case 'status':
      return statusMessage(content)
  }
}

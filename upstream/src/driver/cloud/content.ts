/**
 * @module upstream/driver/cloud/content
 * OutboundContent -> the body of `POST /{phone_number_id}/messages`, and the proto-shaped `message`
 * the send answer (messageRaw) carries, so Cloud API instances answer like Baileys ones. Polls do not
 * exist in the Cloud API and buttons other than `reply` cannot be sent as a button message: both are
 * refused with a 400 that says so. Base64 media are uploaded first (POST /{id}/media) and sent by id.
 */
import { badRequest } from '../../lib/errors.js'
import { jidUser } from '../../lib/jid.js'
import { notAvailable } from '../errors.js'
import { buildMessage } from '../sandbox-content.js'
import type { MediaSource, OutboundContent } from '../types.js'

/** Uploads base64 media and answers the Graph media id. */
export type Uploader = (bytes: Buffer, mimetype: string, fileName: string) => Promise<string>

export type GraphMessage = { body: Record<string, unknown>; message: Record<string, unknown>; messageType: string }

const DEFAULT_NAMES: Record<string, string> = { image: 'image.jpg', video: 'video.mp4', audio: 'audio.ogg', document: 'document' }

/** `{link}` for a URL, `{id}` after an upload for base64. */
async function mediaRef(src: MediaSource, mimetype: string, fileName: string, upload: Uploader): Promise<Record<string, unknown>> {
  if ('url' in src) return { link: src.url }
  const bytes = 'downloaded' in src ? src.downloaded : Buffer.from(src.base64, 'base64')
  return { id: await upload(bytes, mimetype, fileName) }
}

/** Meta's `contacts` entry: formatted_name is required, plus at least one name part. */
function contactCard(c: { fullName: string; wuid: string; phoneNumber: string; organization?: string | undefined; email?: string | undefined; url?: string | undefined }) {
  const card: Record<string, unknown> = {
    name: { formatted_name: c.fullName, first_name: c.fullName.split(/\s+/)[0] || c.fullName },
    phones: [{ phone: c.phoneNumber, wa_id: c.wuid, type: 'CELL' }],
  }
  if (c.organization) card.org = { company: c.organization }
  if (c.email) card.emails = [{ email: c.email, type: 'WORK' }]
  if (c.url) card.urls = [{ url: c.url, type: 'WORK' }]
  return card
}

function buttonsAction(buttons: Record<string, unknown>[]) {
  return {
    buttons: buttons.map((b, i) => {
      if (b.type !== 'reply') throw badRequest(`The WhatsApp Cloud API sends only "reply" buttons in a button message (button ${i + 1} is "${String(b.type)}")`)
      const title = typeof b.displayText === 'string' ? b.displayText : `Option ${i + 1}`
      return { type: 'reply', reply: { id: typeof b.id === 'string' && b.id !== '' ? b.id : `btn-${i + 1}`, title } }
    }),
  }
}

/** The `type` and typed part of the Graph body for one content. */
async function typedPart(content: OutboundContent, upload: Uploader): Promise<Record<string, unknown>> {
  switch (content.kind) {
    case 'text':
      return { type: 'text', text: { body: content.text, preview_url: /https?:\/\//i.test(content.text) } }
    case 'media': {
      const fileName = content.fileName ?? DEFAULT_NAMES[content.mediatype]!
      const part = await mediaRef(content.media, content.mimetype, fileName, upload)
      // Meta takes a caption on image/video/document, a filename on document only, neither on audio.
      if (content.caption !== undefined && content.mediatype !== 'audio') part.caption = content.caption
      if (content.mediatype === 'document') part.filename = fileName
      return { type: content.mediatype, [content.mediatype]: part }
    }
    case 'audio':
      return { type: 'audio', audio: await mediaRef(content.media, 'audio/ogg', 'audio.ogg', upload) }
    case 'location':
      return { type: 'location', location: { latitude: content.latitude, longitude: content.longitude, name: content.name, address: content.address } }
    case 'contact':
      return { type: 'contacts', contacts: content.contacts.map(contactCard) }
    case 'reaction':
      return { type: 'reaction', reaction: { message_id: content.key.id, emoji: content.reaction } }
    case 'poll':
      throw badRequest('Polls are not supported by the WhatsApp Cloud API (WHATSAPP-BUSINESS instances); send a list or buttons instead')
    case 'list': {
      const interactive: Record<string, unknown> = {
        type: 'list',
        body: { text: content.description || content.title },
        action: {
          button: content.buttonText,
          sections: content.sections.map((s, i) => ({
            title: s.title,
            rows: s.rows.map((row, j) => ({ id: row.rowId || `row-${i + 1}-${j + 1}`, title: row.title, ...(row.description ? { description: row.description } : {}) })),
          })),
        },
      }
      if (content.description && content.title) interactive.header = { type: 'text', text: content.title }
      if (content.footerText) interactive.footer = { text: content.footerText }
      return { type: 'interactive', interactive }
    }
    case 'buttons': {
      const interactive: Record<string, unknown> = { type: 'button', body: { text: content.description || content.title }, action: buttonsAction(content.buttons) }
      if (content.description && content.title) interactive.header = { type: 'text', text: content.title }
      if (content.footer) interactive.footer = { text: content.footer }
      return { type: 'interactive', interactive }
    }
    case 'sticker':
      // Meta takes WebP stickers (static up to 100 KB, animated up to 500 KB), by link or uploaded id.
      return { type: 'sticker', sticker: await mediaRef(content.media, 'image/webp', 'sticker.webp', upload) }
    case 'ptv':
    case 'status':
      throw notAvailable()
    case 'template':
      return {
        type: 'template',
        template: { name: content.name, language: { code: content.language }, ...(content.components.length ? { components: content.components } : {}) },
      }
  }
}

/** The proto-shaped message of the answer; media carry the link (or the uploaded id), not fake CDN fields. */
function protoMessage(content: OutboundContent, part: Record<string, unknown>): { message: Record<string, unknown>; messageType: string } {
  if (content.kind === 'media' || content.kind === 'audio' || content.kind === 'sticker') {
    const ref = part[part.type as string] as Record<string, unknown>
    const type = content.kind === 'audio' ? 'audioMessage' : content.kind === 'sticker' ? 'stickerMessage' : `${content.mediatype}Message`
    const mimetype = content.kind === 'audio' ? 'audio/ogg; codecs=opus' : content.kind === 'sticker' ? 'image/webp' : content.mimetype
    const body: Record<string, unknown> = { ...('link' in ref ? { url: ref.link } : { id: ref.id }), mimetype }
    if (content.kind === 'audio') body.ptt = true
    if (ref.caption !== undefined) body.caption = ref.caption
    if (ref.filename !== undefined) body.fileName = ref.filename
    return { message: { [type]: body }, messageType: type }
  }
  return buildMessage(content)
}

/** The full Graph body for a send to `jid`, and what the answer's messageRaw shows. */
export async function toGraphMessage(jid: string, content: OutboundContent, upload: Uploader): Promise<GraphMessage> {
  const part = await typedPart(content, upload)
  const body = { messaging_product: 'whatsapp', recipient_type: 'individual', to: jidUser(jid), ...part }
  return { body, ...protoMessage(content, part) }
}

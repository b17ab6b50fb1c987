/**
 * @module upstream/driver/baileys/extra-content
 * Stickers, video notes and statuses -> Baileys content and the send options they need. A sticker is
 * sent as the WebP bytes the send flow prepared (services/sticker.ts); a video note is a video with
 * `ptv: true` (Baileys builds a ptvMessage); a status goes to status@broadcast with `statusJidList`
 * (who sees it) and, for text, `backgroundColor` and `font`, which Baileys reads from the options.
 */
import type { AnyMessageContent } from '@whiskeysockets/baileys'
import type { OutboundContent } from '../types.js'
import { media, VOICE_NOTE_MIMETYPE } from './content.js'
import type { SendOptions } from './socket-factory.js'

export type ExtraContent = Extract<OutboundContent, { kind: 'sticker' | 'ptv' | 'status' }>

export const isExtraContent = (c: OutboundContent): c is ExtraContent => c.kind === 'sticker' || c.kind === 'ptv' || c.kind === 'status'

function statusContent(c: Extract<OutboundContent, { kind: 'status' }>): AnyMessageContent {
  const caption = c.caption !== undefined ? { caption: c.caption } : {}
  if (c.type === 'text' || !c.media) return { text: c.text ?? '', linkPreview: null }
  const src = media(c.media)
  switch (c.type) {
    case 'image':
      return { image: src, ...(c.mimetype ? { mimetype: c.mimetype } : {}), ...caption }
    case 'video':
      return { video: src, ...(c.mimetype ? { mimetype: c.mimetype } : {}), ...caption }
    case 'audio':
      return { audio: src, mimetype: VOICE_NOTE_MIMETYPE, ptt: true }
  }
}

export function extraBaileysContent(c: ExtraContent): AnyMessageContent {
  switch (c.kind) {
    case 'sticker':
      return { sticker: media(c.media), mimetype: c.mimetype, isAnimated: c.animated ?? false }
    case 'ptv':
      return { video: media(c.media), mimetype: c.mimetype, ptv: true }
    case 'status':
      return statusContent(c)
  }
}

/** The sendMessage options a content needs beyond the message id (only a status has any). */
export function extraSendOptions(c: OutboundContent): SendOptions {
  if (c.kind !== 'status') return {}
  const out: SendOptions = { statusJidList: c.statusJidList }
  if (c.type === 'text') {
    if (c.backgroundColor !== undefined) out.backgroundColor = c.backgroundColor
    if (c.font !== undefined) out.font = c.font
  }
  return out
}

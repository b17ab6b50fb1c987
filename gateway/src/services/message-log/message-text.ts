/**
 * @module services/message-log/message-text
 * What a send said, for History's text column and search (issue 28; D13, docs/decisions.md#d13): read
 * from the body the send path already parsed, never a second read. A text send's text; a media send's
 * caption (else its file name) after its media type; for other types a short summary (location name,
 * contact names, poll question, list or button title, reaction, template name). Cut to MAX_TEXT
 * characters (the column's size) with an ellipsis. null when the body says nothing readable.
 */

export const MAX_TEXT = 4096

type Body = Record<string, unknown> | null

const s = (v: unknown): string | null => (typeof v === 'string' && v.trim() !== '' ? v : null)
const obj = (v: unknown): Record<string, unknown> | null => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : null)
const join = (...parts: (string | null)[]): string | null => parts.filter((p): p is string => p !== null).join(' ') || null

/** `text` cut to `max` characters, the last one an ellipsis when it was longer. */
export function clip(text: string | null, max = MAX_TEXT): string | null {
  if (text === null) return null
  return text.length > max ? `${text.slice(0, max - 1)}…` : text
}

/** A media send: `[image] caption`, `[document] file.pdf`, `[audio]`. */
function media(kind: string, caption: string | null, fileName: string | null = null): string {
  return join(`[${kind}]`, caption ?? fileName) ?? `[${kind}]`
}

function summary(action: string, b: Record<string, unknown>): string | null {
  switch (action) {
    case 'sendtext':
      return s(b.text) ?? s(obj(b.textMessage)?.text)
    case 'sendmedia':
      return media(s(b.mediatype) ?? 'media', s(b.caption), s(b.fileName))
    case 'sendwhatsappaudio':
      return '[audio]'
    case 'sendsticker':
      return '[sticker]'
    case 'sendptv':
      return '[video note]'
    case 'sendlocation':
      return join('Location:', s(b.name), s(b.address))
    case 'sendcontact': {
      const names = Array.isArray(b.contact) ? b.contact.map((c) => s(obj(c)?.fullName)).filter((n): n is string => n !== null) : []
      return names.length ? `Contact: ${names.join(', ')}` : 'Contact'
    }
    case 'sendreaction':
      return join('Reaction:', s(b.reaction))
    case 'sendpoll': {
      const values = Array.isArray(b.values) ? b.values.map(s).filter((x): x is string => x !== null) : []
      return join('Poll:', s(b.name), values.length ? `(${values.join(' / ')})` : null)
    }
    case 'sendlist':
      return join('List:', s(b.title), s(b.description))
    case 'sendbuttons':
      return join('Buttons:', s(b.title), s(b.description))
    case 'sendtemplate':
      return join('Template:', s(b.name), s(b.language) ? `(${s(b.language)})` : null)
    case 'sendstatus': {
      const type = s(b.type) ?? 'text'
      return type === 'text' ? join('Status:', s(b.content)) : join('Status:', media(type, s(b.caption)))
    }
    default:
      return s(b.text) ?? s(b.caption)
  }
}

/** The row's message_text for a send of `action` (the upstream path's second segment) with this body. */
export function messageTextFor(action: string, body: Body): string | null {
  if (!body) return null
  return clip(summary(action.toLowerCase(), body))
}

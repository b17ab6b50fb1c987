/**
 * @module upstream/services/media
 * Evolution's media rules: `media` is an http(s) URL or raw base64; a base64 document needs a file
 * name. A `data:<mime>;base64,` URL (what the reference panel uploads) is accepted as a tolerant
 * alias: the prefix is stripped and its mime used.
 */
import type { MediaSource } from '../driver/types.js'
import { badRequest } from '../lib/errors.js'
import { checkUrlStatic, type GuardRules } from './outbound.js'

const MIME_BY_EXT: Record<string, string> = {
  jpg: 'image/jpeg', jpeg: 'image/jpeg', png: 'image/png', gif: 'image/gif', webp: 'image/webp',
  mp4: 'video/mp4', '3gp': 'video/3gpp', mov: 'video/quicktime',
  mp3: 'audio/mpeg', ogg: 'audio/ogg', opus: 'audio/ogg', m4a: 'audio/mp4', wav: 'audio/wav', aac: 'audio/aac',
  pdf: 'application/pdf', txt: 'text/plain', csv: 'text/csv', zip: 'application/zip', json: 'application/json',
  doc: 'application/msword', docx: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  xls: 'application/vnd.ms-excel', xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
}

const DEFAULT_MIME: Record<string, string> = {
  image: 'image/jpeg', video: 'video/mp4', audio: 'audio/mpeg', document: 'application/octet-stream',
}

const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/

const extMime = (name: string | undefined) => {
  const ext = name?.split(/[?#]/)[0]?.split('.').pop()?.toLowerCase()
  return ext ? MIME_BY_EXT[ext] : undefined
}

export type ResolvedMedia = { source: MediaSource; mimetype: string }

/** Classifies `media`; throws Evolution's 400s for what it would reject. */
export type MediaOptions = {
  fileName?: string | undefined
  mimetype?: string | undefined
  /** The outbound guard's rules: a URL to a literal internal address or internal name is a 400 here, before anything else. */
  guard: GuardRules
}

export function resolveMedia(media: string, mediatype: string, opts: MediaOptions): ResolvedMedia {
  const dataUrl = /^data:([^;,]*)(;[^,]*)?,(.*)$/s.exec(media)
  let source: MediaSource
  let detected: string | undefined
  if (dataUrl && (dataUrl[2] ?? '').includes('base64')) {
    source = { base64: dataUrl[3]!.replace(/\s/g, '') }
    detected = dataUrl[1] || undefined
  } else if (/^https?:\/\/\S+$/i.test(media) && URL.canParse(media)) {
    const verdict = checkUrlStatic(media, opts.guard)
    if (!verdict.ok) throw badRequest(`media URL refused: ${verdict.message}`)
    source = { url: media }
    detected = extMime(new URL(media).pathname)
  } else {
    const compact = media.replace(/\s/g, '')
    if (compact === '' || compact.length % 4 !== 0 || !BASE64.test(compact)) throw badRequest('Owned media must be a url or base64')
    source = { base64: compact }
  }
  if ('base64' in source && mediatype === 'document' && !opts.fileName) throw badRequest('For base64 the file name must be informed.')
  const mimetype = opts.mimetype || detected || extMime(opts.fileName) || DEFAULT_MIME[mediatype] || 'application/octet-stream'
  return { source, mimetype }
}

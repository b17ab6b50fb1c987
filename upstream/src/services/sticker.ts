/**
 * @module upstream/services/sticker
 * WhatsApp shows stickers only as WebP (512x512 at most). Evolution converts whatever image it is given;
 * we do the same with `sharp` (installed as Baileys' image library, loaded lazily so a server without it
 * still starts and sends WebP as given). Bytes that already are WebP go out unchanged, and so does
 * everything when the client set `notConvertSticker`. A URL the driver forwards (the Cloud API: Meta
 * fetches it) is never seen here and so never converted.
 */
import type { OutboundContent } from '../driver/types.js'
import { badRequest } from '../lib/errors.js'

type Sharp = typeof import('sharp').default

/** RIFF....WEBP */
export const isWebp = (b: Buffer): boolean => b.length >= 12 && b.toString('latin1', 0, 4) === 'RIFF' && b.toString('latin1', 8, 12) === 'WEBP'

/** An animated WebP has an ANIM chunk (inside the VP8X container). */
const isAnimatedWebp = (b: Buffer): boolean => isWebp(b) && b.subarray(12, 4096).includes('ANIM')

let sharpLoad: Promise<Sharp | null> | null = null
function loadSharp(): Promise<Sharp | null> {
  sharpLoad ??= import('sharp').then((m) => m.default).catch(() => null)
  return sharpLoad
}

/** Test hook: pretend sharp is not installed (null) or use the real one again (undefined). */
export function overrideSharpForTests(value: null | undefined): void {
  sharpLoad = value === null ? Promise.resolve(null) : null
}

/** The sticker content with WebP bytes (see the module comment for what is left alone). */
export async function toWebpSticker(content: OutboundContent): Promise<OutboundContent> {
  if (content.kind !== 'sticker' || 'url' in content.media) return content
  const src = content.media
  const bytes = 'downloaded' in src ? src.downloaded : Buffer.from(src.base64, 'base64')
  if (isWebp(bytes)) return { ...content, mimetype: 'image/webp', animated: isAnimatedWebp(bytes) }
  const sharp = await loadSharp()
  if (!sharp) throw badRequest('The sticker is not WebP and this server cannot convert images: send a WebP image or set "notConvertSticker": true')
  let webp: Buffer
  let animated: boolean
  try {
    const image = sharp(bytes, { animated: true })
    animated = ((await image.metadata()).pages ?? 1) > 1
    webp = await image.resize(512, 512, { fit: 'contain', background: { r: 0, g: 0, b: 0, alpha: 0 } }).webp().toBuffer()
  } catch (err) {
    throw badRequest(`The sticker could not be converted to WebP: ${(err as Error).message}`)
  }
  const media = 'downloaded' in src ? { downloaded: webp, from: src.from } : { base64: webp.toString('base64') }
  return { kind: 'sticker', media, mimetype: 'image/webp', animated }
}

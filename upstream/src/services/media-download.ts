/**
 * @module upstream/services/media-download
 * Media given as a URL is downloaded by the upstream itself, through the outbound guard, and handed to
 * the driver as bytes: Baileys would otherwise fetch the URL with its own unguarded client, and a URL
 * pointing at an internal service would be read and delivered to a WhatsApp number of the caller's
 * choice. Drivers that forward links (the Cloud API: Meta's servers fetch them) keep the URL, after the
 * same request-time check. Every failure is the caller's 400, saying what went wrong.
 */
import type { MediaLinkPolicy, MediaSource, OutboundContent } from '../driver/types.js'
import { badRequest } from '../lib/errors.js'
import { OutboundRefusedError, OutboundTooLargeError, type OutboundClient } from './outbound.js'

export type MediaDownloadOptions = { maxBytes: number; timeoutMs: number }

export class MediaDownloader {
  constructor(
    private readonly outbound: OutboundClient,
    private readonly opts: MediaDownloadOptions,
  ) {}

  /** The content with its `{url}` media replaced by the bytes, or checked and kept, as `policy` says. */
  async prepare(content: OutboundContent, policy: MediaLinkPolicy): Promise<OutboundContent> {
    // Every kind that carries media (media, audio, sticker, ptv, a media status) names it `media`.
    if (!('media' in content) || !content.media) return content
    const src = content.media
    if (!('url' in src)) return content
    if (policy === 'forward') {
      // Meta fetches the link from its own network, not ours: a name we cannot resolve may be fine there.
      const verdict = await this.outbound.check(src.url, { unresolved: 'accept' })
      if (!verdict.ok) throw badRequest(`media URL refused: ${verdict.message}`)
      return content
    }
    try {
      return { ...content, media: await this.download(src.url) }
    } catch (err) {
      // Offline sandbox: a host that cannot be reached (no DNS, no route, an error answer) leaves the
      // link in place, as before the guard existed; refusals and oversize files are never tolerated.
      if (policy === 'download-if-reachable' && err instanceof Unreachable) return content
      throw err instanceof Unreachable ? badRequest(err.message) : err
    }
  }

  private async download(url: string): Promise<MediaSource> {
    let res
    try {
      res = await this.outbound.fetch(url, { timeoutMs: this.opts.timeoutMs, maxBytes: this.opts.maxBytes, maxRedirects: 5 })
    } catch (err) {
      if (err instanceof OutboundRefusedError) {
        if (err.reason === 'unresolved') throw new Unreachable(`media URL could not be downloaded: ${err.message}`)
        throw badRequest(`media URL refused: ${err.message}`)
      }
      if (err instanceof OutboundTooLargeError) throw badRequest(`media is larger than ${this.opts.maxBytes} bytes`)
      const name = (err as Error).name
      const why = name === 'TimeoutError' || name === 'AbortError' ? `no answer within ${this.opts.timeoutMs} ms` : ((err as { code?: string }).code ?? 'network error')
      throw new Unreachable(`media URL could not be downloaded: ${why}`)
    }
    if (res.status < 200 || res.status > 299) throw new Unreachable(`media URL could not be downloaded: it answered ${res.status}`)
    return { downloaded: res.body, from: url }
  }
}

/** The media host could not be reached or did not serve the file (not a refusal). */
class Unreachable extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'Unreachable'
  }
}

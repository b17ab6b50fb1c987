/**
 * @module upstream/services/media-download
 * Media given as a URL is downloaded by the upstream itself, through the outbound guard, and handed to
 * the driver as bytes: Baileys would otherwise fetch the URL with its own unguarded client, and a URL
 * pointing at an internal service would be read and delivered to a WhatsApp number of the caller's
 * choice. Drivers that forward links (the Cloud API: Meta's servers fetch them) keep the URL, after the
 * same request-time check. Every failure is the caller's 400, saying what went wrong. An instance with a
 * proxy (docs/proxy.md) downloads through it, the destination still judged by the guard (services/proxied-fetch.ts).
 */
import type { MediaLinkPolicy, OutboundContent } from '../driver/types.js'
import { badRequest } from '../lib/errors.js'
import { proxyAgent, type ProxyEndpoint } from '../lib/proxy-agent.js'
import { OutboundRefusedError, OutboundTooLargeError, type OutboundClient, type OutboundResponse } from './outbound.js'
import { proxiedFetch } from './proxied-fetch.js'

export type MediaDownloadOptions = { maxBytes: number; timeoutMs: number }

/** The proxy an instance's downloads go through (db/proxies.ts proxyOf), or null. */
export type ProxyLookup = (instanceId: string) => Promise<ProxyEndpoint | null>

export class MediaDownloader {
  constructor(
    private readonly outbound: OutboundClient,
    private readonly opts: MediaDownloadOptions,
    private readonly proxyFor: ProxyLookup = async () => null,
  ) {}

  /**
   * The content with its `{url}` media replaced by the bytes, or checked and kept, as `policy` says.
   * `instanceId`: whose proxy, if any, the download goes through.
   */
  async prepare(content: OutboundContent, policy: MediaLinkPolicy, instanceId?: string): Promise<OutboundContent> {
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
      return { ...content, media: await this.download(src.url, instanceId) }
    } catch (err) {
      // Offline sandbox: a host that cannot be reached (no DNS, no route, an error answer) leaves the
      // link in place, as before the guard existed; refusals and oversize files are never tolerated.
      if (policy === 'download-if-reachable' && err instanceof Unreachable) return content
      throw err instanceof Unreachable ? badRequest(err.message) : err
    }
  }

  /** The bytes at `url` (a picture given as a link), through the instance's proxy if it has one; every failure a 400. */
  async bytes(url: string, instanceId?: string): Promise<Buffer> {
    try {
      return (await this.download(url, instanceId)).downloaded
    } catch (err) {
      throw err instanceof Unreachable ? badRequest(err.message) : err
    }
  }

  private async fetch(url: string, instanceId: string | undefined): Promise<OutboundResponse> {
    const req = { timeoutMs: this.opts.timeoutMs, maxBytes: this.opts.maxBytes, maxRedirects: 5 }
    const proxy = instanceId ? await this.proxyFor(instanceId) : null
    if (!proxy) return this.outbound.fetch(url, req)
    const agent = proxyAgent(proxy, this.outbound.rules)
    try {
      return await proxiedFetch(url, agent, this.outbound.rules, req)
    } finally {
      agent.destroy()
    }
  }

  private async download(url: string, instanceId?: string): Promise<{ downloaded: Buffer; from: string }> {
    let res
    try {
      res = await this.fetch(url, instanceId)
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

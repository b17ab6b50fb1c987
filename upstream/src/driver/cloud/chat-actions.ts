/**
 * @module upstream/driver/cloud/chat-actions
 * The chat routes on Meta's Cloud API, which offers two of them: read receipts (POST /{phone_number_id}/messages
 * `{messaging_product, status:"read", message_id}`, one per received message) and media downloads (GET
 * /{media-id} answers a short-lived URL, fetched with the same bearer token). Profile pictures are not
 * exposed: always null, as Evolution answers. Everything else is Evolution's 400 "Method not available on
 * WhatsApp Business API".
 *
 * The media URL comes from Meta's answer, not from a caller, but it is fetched with the access token: it is
 * fetched only from the Graph API's own origin or Meta's media hosts over https (lookaside.fbsbx.com today),
 * directly like every Graph call, and anything else is refused, so the token never leaves Meta
 * (docs/security.md). Never more than MEDIA_MAX_BYTES.
 */
import { badRequest } from '../../lib/errors.js'
import type { ChatActions, MediaMessage, ProtocolSend } from '../chat-actions.js'
import type { MessageKey } from '../types.js'
import { GraphUnavailableError } from './errors.js'
import type { GraphClient } from './graph-client.js'

const notAvailable = () => badRequest('Method not available on WhatsApp Business API')

/** Meta's media CDN hosts (Graph answers lookaside.fbsbx.com URLs). */
const META_MEDIA_HOST = /(^|\.)(fbsbx\.com|facebook\.com|fbcdn\.net|whatsapp\.net)$/

export type CloudChatDeps = {
  graph: GraphClient
  /** The phone number id and access token; throws ConnectionClosedError unless the session is open. */
  account: () => { phoneNumberId: string; token: string }
}

export class CloudChatActions implements ChatActions {
  constructor(private readonly d: CloudChatDeps) {}

  /** Meta reads received messages only; our own need no receipt. */
  async readMessages(keys: MessageKey[]): Promise<void> {
    const { phoneNumberId, token } = this.d.account()
    for (const k of keys.filter((x) => !x.fromMe)) {
      await this.d.graph.sendMessage(phoneNumberId, token, { messaging_product: 'whatsapp', status: 'read', message_id: k.id })
    }
  }

  async downloadMedia(msg: MediaMessage, maxBytes: number): Promise<Buffer> {
    const { token } = this.d.account()
    const mediaId = ((msg.message[msg.messageType] ?? {}) as { id?: unknown }).id
    if (typeof mediaId !== 'string' || mediaId === '') throw badRequest('The message has no Cloud API media id')
    const info = await this.d.graph.getMedia(mediaId, token)
    if (Number(info.file_size ?? 0) > maxBytes) throw badRequest(`media is larger than ${maxBytes} bytes`)
    if (typeof info.url !== 'string') throw new GraphUnavailableError('GET /{media-id} answered without a url')
    return this.fetchMedia(info.url, token, maxBytes)
  }

  async profilePictureUrl(): Promise<string | null> {
    return null
  }

  async archiveChat(): Promise<void> {
    throw notAvailable()
  }

  async markChatUnread(): Promise<void> {
    throw notAvailable()
  }

  async deleteForEveryone(): Promise<ProtocolSend> {
    throw notAvailable()
  }

  async editMessage(): Promise<ProtocolSend> {
    throw notAvailable()
  }

  async presenceSubscribe(): Promise<void> {
    throw notAvailable()
  }

  async sendPresenceUpdate(): Promise<void> {
    throw notAvailable()
  }

  async updateBlockStatus(): Promise<void> {
    throw notAvailable()
  }

  private async fetchMedia(url: string, token: string, maxBytes: number): Promise<Buffer> {
    let u: URL
    try {
      u = new URL(url)
    } catch {
      throw new GraphUnavailableError(`Meta answered a media URL that is not a URL: ${url}`)
    }
    const trusted = u.origin === this.d.graph.origin || (u.protocol === 'https:' && META_MEDIA_HOST.test(u.hostname))
    if (!trusted) throw badRequest(`media URL refused: ${u.hostname} is not a Meta host, and the access token is only sent to Meta`)
    let res: Response
    try {
      // No redirects: a hop could leave Meta's hosts with the token attached.
      res = await fetch(u, { headers: { authorization: `Bearer ${token}` }, redirect: 'error', signal: AbortSignal.timeout(this.d.graph.timeoutMs) })
    } catch (err) {
      throw new GraphUnavailableError(`media download failed: ${(err as Error & { cause?: { code?: string } }).cause?.code ?? (err as Error).message}`)
    }
    if (!res.ok || !res.body) throw new GraphUnavailableError(`media download answered HTTP ${res.status}`)
    const reader = res.body.getReader()
    const chunks: Uint8Array[] = []
    let size = 0
    for (let r = await reader.read(); !r.done; r = await reader.read()) {
      size += r.value.length
      if (size > maxBytes) {
        await reader.cancel().catch(() => undefined)
        throw badRequest(`media is larger than ${maxBytes} bytes`)
      }
      chunks.push(r.value)
    }
    return Buffer.concat(chunks)
  }
}

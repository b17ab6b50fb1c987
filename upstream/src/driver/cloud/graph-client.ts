/**
 * @module upstream/driver/cloud/graph-client
 * The few Graph API calls the Cloud driver makes, with `Authorization: Bearer <token>` and a per-request
 * timeout (GRAPH_API_TIMEOUT_MS). A Graph error body becomes the upstream's 400 with `metaError`; no
 * answer at all becomes a 500. Never retries: retrying is the caller's decision (the gateway's
 * scheduled sender backs off on 130429/131056).
 */
import { GraphUnavailableError, metaErrorToEvo, parseMetaError } from './errors.js'

export type GraphClientOptions = { baseUrl: string; timeoutMs: number }

export type PhoneNumberInfo = { id: string; display_phone_number?: string; verified_name?: string }

export type SendAnswer = {
  messaging_product?: string
  contacts?: { input?: string; wa_id?: string }[]
  messages?: { id?: string; message_status?: string }[]
}

/** GET /{media-id}'s answer. */
export type MediaInfo = { url?: string; mime_type?: string; sha256?: string; file_size?: number | string; id?: string }

/** A Cloud API business profile as Meta answers it (every field optional). */
export type GraphBusinessProfile = {
  about?: string; address?: string; description?: string; email?: string; profile_picture_url?: string; websites?: string[]; vertical?: string
}

const BUSINESS_PROFILE_FIELDS = 'about,address,description,email,profile_picture_url,websites,vertical'

export class GraphClient {
  constructor(private readonly opts: GraphClientOptions) {}

  /** GET /{phone_number_id}: answers when the token may use that number. */
  getPhoneNumber(phoneNumberId: string, token: string): Promise<PhoneNumberInfo> {
    const q = 'fields=display_phone_number,verified_name,id'
    return this.call<PhoneNumberInfo>('GET', `/${encodeURIComponent(phoneNumberId)}?${q}`, token)
  }

  /** POST /{phone_number_id}/messages. */
  sendMessage(phoneNumberId: string, token: string, body: Record<string, unknown>): Promise<SendAnswer> {
    return this.call<SendAnswer>('POST', `/${encodeURIComponent(phoneNumberId)}/messages`, token, JSON.stringify(body), 'application/json')
  }

  /** POST /{phone_number_id}/media (multipart): uploads bytes, answers the media id a send can use. */
  async uploadMedia(phoneNumberId: string, token: string, bytes: Buffer, mimetype: string, fileName: string): Promise<string> {
    const form = new FormData()
    form.set('messaging_product', 'whatsapp')
    form.set('type', mimetype)
    form.set('file', new Blob([new Uint8Array(bytes)], { type: mimetype }), fileName)
    const out = await this.call<{ id?: unknown }>('POST', `/${encodeURIComponent(phoneNumberId)}/media`, token, form)
    if (typeof out.id !== 'string' || out.id === '') throw new GraphUnavailableError('media upload answered without an id')
    return out.id
  }

  /** GET /{phone_number_id}/whatsapp_business_profile: the number's business profile (Meta answers `{data: [profile]}`). */
  async getBusinessProfile(phoneNumberId: string, token: string): Promise<GraphBusinessProfile> {
    const q = `fields=${BUSINESS_PROFILE_FIELDS}`
    const out = await this.call<{ data?: GraphBusinessProfile[] }>('GET', `/${encodeURIComponent(phoneNumberId)}/whatsapp_business_profile?${q}`, token)
    return out.data?.[0] ?? {}
  }

  /** POST /{phone_number_id}/whatsapp_business_profile: changes the given fields (about, description, ...). */
  async updateBusinessProfile(phoneNumberId: string, token: string, fields: Partial<GraphBusinessProfile>): Promise<void> {
    const body = JSON.stringify({ messaging_product: 'whatsapp', ...fields })
    await this.call('POST', `/${encodeURIComponent(phoneNumberId)}/whatsapp_business_profile`, token, body, 'application/json')
  }

  /** The Graph API's origin (GRAPH_API_URL): the one host trusted with the access token besides Meta's media hosts. */
  get origin(): string {
    return new URL(this.opts.baseUrl).origin
  }

  /** GRAPH_API_TIMEOUT_MS, also the deadline of a media file download. */
  get timeoutMs(): number {
    return this.opts.timeoutMs
  }

  /** GET /{media-id}: where Meta serves a media file (a short-lived URL that needs the token) and its size. */
  getMedia(mediaId: string, token: string): Promise<MediaInfo> {
    return this.call<MediaInfo>('GET', `/${encodeURIComponent(mediaId)}`, token)
  }

    private async call<T>(method: string, path: string, token: string, body?: string | FormData, contentType?: string): Promise<T> {
    const headers: Record<string, string> = { authorization: `Bearer ${token}`, accept: 'application/json' }
    if (contentType) headers['content-type'] = contentType
    let res: Response
    try {
      res = await fetch(this.opts.baseUrl + path, { method, headers, body, signal: AbortSignal.timeout(this.opts.timeoutMs) })
    } catch (err) {
      const e = err as Error & { cause?: { code?: string } }
      const why = e.name === 'TimeoutError' ? `no answer within ${this.opts.timeoutMs} ms` : (e.cause?.code ?? e.message)
      throw new GraphUnavailableError(why)
    }
    const text = await res.text().catch(() => '')
    let parsed: unknown
    try {
      parsed = text ? JSON.parse(text) : {}
    } catch {
      parsed = undefined
    }
    if (res.ok && parsed && typeof parsed === 'object') return parsed as T
    const meta = parseMetaError(parsed)
    if (meta) throw metaErrorToEvo(meta)
    throw new GraphUnavailableError(`HTTP ${res.status} without a Graph error body`)
  }
}

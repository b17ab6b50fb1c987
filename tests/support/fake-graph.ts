/**
 * @module tests/support/fake-graph
 * A loopback stand-in for Meta's Graph API (the WhatsApp Cloud API part the upstream uses), with Meta's
 * shapes and errors, that records what it got and posts correctly signed webhooks back.
 *
 * In-process (vitest): `const g = await startFakeGraph({appSecret, webhookUrl, tokens})`, then point
 * GRAPH_API_URL at `g.url`. As a CLI (bats, a newcomer watching a message go sent -> delivered -> read):
 *
 *   npx tsx tests/support/fake-graph.ts --port 0 --app-secret S --webhook-url URL [--token T]... [--phone ID=+DISPLAY]...
 *
 * prints `listening http://127.0.0.1:PORT` as its first stdout line and runs until SIGTERM/SIGINT.
 *
 * Graph routes (Authorization: Bearer <token>; with --token given, any other token gets Meta's 190):
 *   GET  /{phone_number_id}            {verified_name, display_phone_number, id, quality_rating}
 *   POST /{phone_number_id}/messages   {messaging_product, contacts:[{input, wa_id}], messages:[{id:"wamid..."}]}
 *   POST /{phone_number_id}/media      {id} (multipart upload)
 *   POST /{phone_number_id}/messages   {messaging_product, status:"read", message_id} -> {success:true} (mark as read)
 *   GET  /{media-id}                   {messaging_product, url, mime_type, sha256, file_size, id} for media added by addMedia
 *   GET  /_media/{media-id}            the bytes (Bearer token required, like Meta's media URLs)
 *   GET  /{phone_number_id}/whatsapp_business_profile   {data:[{messaging_product, about, address, description, email,
 *                                      profile_picture_url, websites, vertical}]} (what POST set, over a default profile)
 *   POST /{phone_number_id}/whatsapp_business_profile   {messaging_product:"whatsapp", about?, ...} -> {success:true}
 * A version prefix (`/v21.0/...`) is accepted and ignored.
 *
 * Control routes (no auth; loopback only):
 *   GET    /_fake/requests      {requests:[{method, path, authorization, contentType, body, at}]} oldest first
 *   DELETE /_fake/requests      clears them
 *   POST   /_fake/next-error    {code, message?, type?, error_subcode?, http_status?}: the next send fails so
 *   POST   /_fake/status        {wamid, status, phone_number_id, recipient?, error?:{code, title?, message?}, bad_signature?}
 *   POST   /_fake/inbound       {phone_number_id, from, text, name?, bad_signature?}
 *   POST   /_fake/config        {webhook_url?, app_secret?, tokens?}
 * status/inbound POST the webhook to webhook_url and answer {webhook_status, webhook_body, payload}.
 */
import { createHash, createHmac, randomBytes } from 'node:crypto'
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { resolve } from 'node:path'
import { pathToFileURL } from 'node:url'
import { parseArgs } from 'node:util'

export type FakeGraphOptions = {
  port?: number
  host?: string
  appSecret?: string
  webhookUrl?: string
  /** Accepted access tokens; empty = any non-empty token. */
  tokens?: string[]
  /** phone number id -> display number (others: `+<id>`). */
  phones?: Record<string, string>
}

/** A media file GET /{media-id} knows (an inbound message's media). */
export type FakeMedia = { bytes: Buffer; mimeType: string }

export type RecordedRequest = { method: string; path: string; authorization: string | null; contentType: string | null; body: unknown; at: string }

type NextError = { code: number; message?: string; type?: string; error_subcode?: number; http_status?: number }

export type FakeGraph = {
  url: string
  requests: RecordedRequest[]
  /** Makes the next send fail with this Meta error. */
  nextError: (e: NextError) => void
  /** Posts a signed `statuses` webhook; answers the webhook's HTTP status. */
  postStatus: (s: StatusInput) => Promise<WebhookResult>
  /** Makes GET /{id} answer a media file served at `/_media/{id}`. */
  addMedia: (id: string, media: FakeMedia) => void
  /** Posts a signed inbound text `messages` webhook. */
  postInbound: (m: InboundInput) => Promise<WebhookResult>
  config: Required<Pick<FakeGraphOptions, 'appSecret' | 'webhookUrl' | 'tokens' | 'phones'>>
  close: () => Promise<void>
}

export type StatusInput = {
  wamid: string
  status: 'sent' | 'delivered' | 'read' | 'failed'
  phone_number_id: string
  recipient?: string
  error?: { code: number; title?: string; message?: string }
  bad_signature?: boolean
}
export type InboundInput = { phone_number_id: string; from: string; text: string; name?: string; bad_signature?: boolean }
export type WebhookResult = { webhook_status: number; webhook_body: string; payload: unknown }

const fbtrace = () => randomBytes(8).toString('base64url')
export const newWamid = () => `wamid.HBgM${randomBytes(30).toString('base64url')}`

/** The Graph error body Meta sends. */
function metaError(code: number, message: string, type = 'OAuthException', subcode?: number) {
  return { error: { message, type, code, ...(subcode !== undefined ? { error_subcode: subcode } : {}), fbtrace_id: fbtrace() } }
}

export function signMeta(appSecret: string, body: string): string {
  return `sha256=${createHmac('sha256', appSecret).update(body).digest('hex')}`
}

function send(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body)
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) }).end(text)
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', () => resolve(Buffer.concat(chunks)))
    req.on('error', reject)
  })
}

const parseJson = (buf: Buffer): unknown => {
  try {
    return buf.length ? JSON.parse(buf.toString('utf8')) : {}
  } catch {
    return undefined
  }
}

function envelope(phoneNumberId: string, display: string, value: Record<string, unknown>) {
  return {
    object: 'whatsapp_business_account',
    entry: [{
      id: 'WABA_ID',
      changes: [{ value: { messaging_product: 'whatsapp', metadata: { display_phone_number: display.replace(/\D/g, ''), phone_number_id: phoneNumberId }, ...value }, field: 'messages' }],
    }],
  }
}

export async function startFakeGraph(opts: FakeGraphOptions = {}): Promise<FakeGraph> {
  const config = { appSecret: opts.appSecret ?? '', webhookUrl: opts.webhookUrl ?? '', tokens: opts.tokens ?? [], phones: opts.phones ?? {} }
  const requests: RecordedRequest[] = []
  const errors: NextError[] = []
  const media = new Map<string, FakeMedia>()
  /** Business profiles by phone number id, as POST whatsapp_business_profile left them. */
  const profiles = new Map<string, Record<string, unknown>>()
  const profileOf = (id: string) => profiles.get(id) ?? {
    about: 'Fake business about', address: 'Asunción', description: 'A fake business', email: 'biz@example.com',
    profile_picture_url: `https://pps.whatsapp.net/fake/${id}.jpg`, websites: ['https://example.com'], vertical: 'RETAIL',
  }
  let selfUrl = ''
  const display = (id: string) => config.phones[id] ?? `+${id}`

  async function postWebhook(payload: unknown, badSignature = false): Promise<WebhookResult> {
    if (!config.webhookUrl) throw new Error('no webhook URL configured (--webhook-url or POST /_fake/config)')
    const body = JSON.stringify(payload)
    const signature = badSignature ? signMeta(`${config.appSecret}-wrong`, body) : signMeta(config.appSecret, body)
    const res = await fetch(config.webhookUrl, { method: 'POST', headers: { 'content-type': 'application/json', 'x-hub-signature-256': signature }, body })
    return { webhook_status: res.status, webhook_body: await res.text(), payload }
  }

  const postStatus = (s: StatusInput) => {
    const status: Record<string, unknown> = {
      id: s.wamid,
      status: s.status,
      timestamp: String(Math.floor(Date.now() / 1000)),
      recipient_id: (s.recipient ?? '0').replace(/\D/g, ''),
    }
    if (s.status !== 'failed') status.conversation = { id: 'CONVERSATION_ID', origin: { type: 'service' } }
    if (s.status !== 'failed') status.pricing = { billable: true, pricing_model: 'PMP', category: 'service' }
    if (s.status === 'failed') {
      const e = s.error ?? { code: 131026 }
      status.errors = [{ code: e.code, title: e.title ?? 'Message undeliverable', message: e.message ?? e.title ?? 'Message undeliverable', error_data: { details: e.message ?? 'Message undeliverable' } }]
    }
    return postWebhook(envelope(s.phone_number_id, display(s.phone_number_id), { statuses: [status] }), s.bad_signature)
  }

  const postInbound = (m: InboundInput) => {
    const from = m.from.replace(/\D/g, '')
    const value = {
      contacts: [{ profile: { name: m.name ?? `Contact ${from}` }, wa_id: from }],
      messages: [{ from, id: newWamid(), timestamp: String(Math.floor(Date.now() / 1000)), type: 'text', text: { body: m.text } }],
    }
    return postWebhook(envelope(m.phone_number_id, display(m.phone_number_id), value), m.bad_signature)
  }

  async function control(req: IncomingMessage, res: ServerResponse, path: string): Promise<void> {
    const method = req.method ?? 'GET'
    const body = (parseJson(await readBody(req)) ?? {}) as Record<string, unknown>
    if (path === '/_fake/requests' && method === 'GET') return send(res, 200, { requests })
    if (path === '/_fake/requests' && method === 'DELETE') {
      requests.length = 0
      return send(res, 200, { requests: [] })
    }
    if (path === '/_fake/next-error' && method === 'POST') {
      if (typeof body.code !== 'number') return send(res, 400, { error: 'code (number) is required' })
      errors.push(body as NextError)
      return send(res, 200, { queued: errors.length })
    }
    if (path === '/_fake/config' && method === 'POST') {
      if (typeof body.webhook_url === 'string') config.webhookUrl = body.webhook_url
      if (typeof body.app_secret === 'string') config.appSecret = body.app_secret
      if (Array.isArray(body.tokens)) config.tokens = body.tokens.map(String)
      return send(res, 200, { webhook_url: config.webhookUrl, tokens: config.tokens.length })
    }
    try {
      if (path === '/_fake/status' && method === 'POST') return send(res, 200, await postStatus(body as unknown as StatusInput))
      if (path === '/_fake/inbound' && method === 'POST') return send(res, 200, await postInbound(body as unknown as InboundInput))
    } catch (err) {
      return send(res, 502, { error: (err as Error).message })
    }
    return send(res, 404, { error: `no control route ${method} ${path}` })
  }

  async function graph(req: IncomingMessage, res: ServerResponse, path: string): Promise<void> {
    const method = req.method ?? 'GET'
    const raw = await readBody(req)
    const contentType = req.headers['content-type'] ?? null
    const isJson = contentType?.includes('application/json') ?? false
    const authorization = req.headers.authorization ?? null
    requests.push({
      method, path, authorization, contentType,
      body: isJson ? parseJson(raw) : raw.length ? `[${raw.length} bytes ${contentType ?? ''}]` : null,
      at: new Date().toISOString(),
    })
    const token = /^Bearer (.+)$/.exec(authorization ?? '')?.[1]
    if (!token || (config.tokens.length > 0 && !config.tokens.includes(token))) {
      return send(res, 401, metaError(190, 'Invalid OAuth access token - Cannot parse access token'))
    }
    // `/v21.0/123/messages` and `/123/messages` are the same route.
    const parts = path.split('/').filter(Boolean).filter((p, i) => !(i === 0 && /^v\d+\.\d+$/.test(p)))
    const [id, edge] = parts
    if (method === 'GET' && path.startsWith('/_media/')) {
      const m = media.get(path.slice('/_media/'.length))
      if (!m) return send(res, 404, metaError(100, 'Unknown media'))
      return void res.writeHead(200, { 'content-type': m.mimeType, 'content-length': m.bytes.length }).end(m.bytes)
    }
    if (method === 'GET' && id && !edge && media.has(id)) {
      const m = media.get(id)!
      const sha256 = createHash('sha256').update(m.bytes).digest('hex')
      return send(res, 200, { messaging_product: 'whatsapp', url: `${selfUrl}/_media/${id}`, mime_type: m.mimeType, sha256, file_size: m.bytes.length, id })
    }
    if (!id || !/^\d+$/.test(id) || parts.length > 2) return send(res, 400, metaError(100, `Unknown path components: ${path}`))
    if (method === 'GET' && !edge) {
      return send(res, 200, { verified_name: `Fake Business ${id.slice(-4)}`, display_phone_number: display(id), id, quality_rating: 'GREEN' })
    }
    if (edge === 'whatsapp_business_profile' && method === 'GET') return send(res, 200, { data: [{ messaging_product: 'whatsapp', ...profileOf(id) }] })
    if (edge === 'whatsapp_business_profile' && method === 'POST') {
      const b = (isJson ? parseJson(raw) : undefined) as Record<string, unknown> | undefined
      if (!b || b.messaging_product !== 'whatsapp') return send(res, 400, metaError(100, '(#100) The parameter messaging_product is required.'))
      if (typeof b.about === 'string' && (b.about.length < 1 || b.about.length > 139)) return send(res, 400, metaError(100, '(#100) Param about must be at most 139 characters long.'))
      const { messaging_product: _mp, ...fields } = b
      profiles.set(id, { ...profileOf(id), ...fields })
      return send(res, 200, { success: true })
    }
    if (method === 'POST' && edge === 'media') return send(res, 200, { id: String(BigInt(`0x${randomBytes(7).toString('hex')}`)) })
    if (method === 'POST' && edge === 'messages') {
      const err = errors.shift()
      if (err) return send(res, err.http_status ?? 400, metaError(err.code, err.message ?? `Fake error ${err.code}`, err.type ?? 'OAuthException', err.error_subcode))
      const b = (isJson ? parseJson(raw) : undefined) as Record<string, unknown> | undefined
      if (!b || b.messaging_product !== 'whatsapp') return send(res, 400, metaError(100, '(#100) The parameter messaging_product is required.'))
      if (b.status === 'read') {
        if (typeof b.message_id !== 'string' || b.message_id === '') return send(res, 400, metaError(100, '(#100) The parameter message_id is required.'))
        return send(res, 200, { success: true })
      }
      if (typeof b.to !== 'string' || b.to === '') return send(res, 400, metaError(100, '(#100) The parameter to is required.'))
      if (typeof b.type !== 'string' || !(b.type in b)) return send(res, 400, metaError(100, `(#100) Param ${String(b.type)} is required for type ${String(b.type)}.`))
      return send(res, 200, { messaging_product: 'whatsapp', contacts: [{ input: b.to, wa_id: b.to }], messages: [{ id: newWamid() }] })
    }
    return send(res, 400, metaError(100, `Unsupported ${method} request.`))
  }

  const server: Server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0]!
    const handler = path.startsWith('/_fake/') ? control : graph
    handler(req, res, path).catch((err: Error) => send(res, 500, { error: err.message }))
  })
  await new Promise<void>((resolve) => server.listen(opts.port ?? 0, opts.host ?? '127.0.0.1', resolve))
  const url = `http://${opts.host ?? '127.0.0.1'}:${(server.address() as AddressInfo).port}`
  selfUrl = url
  return {
    url,
    requests,
    config,
    nextError: (e) => void errors.push(e),
    addMedia: (id, m) => void media.set(id, m),
    postStatus,
    postInbound,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  }
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      port: { type: 'string', default: '0' },
      host: { type: 'string', default: '127.0.0.1' },
      'app-secret': { type: 'string', default: '' },
      'webhook-url': { type: 'string', default: '' },
      token: { type: 'string', multiple: true },
      phone: { type: 'string', multiple: true },
    },
  })
  const phones = Object.fromEntries((values.phone ?? []).map((p) => p.split('=', 2) as [string, string]))
  const g = await startFakeGraph({
    port: Number(values.port), host: values.host, appSecret: values['app-secret'], webhookUrl: values['webhook-url'], tokens: values.token ?? [], phones,
  })
  process.stdout.write(`listening ${g.url}\n`)
  for (const sig of ['SIGTERM', 'SIGINT'] as const) process.on(sig, () => void g.close().then(() => process.exit(0)))
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) void main()

/**
 * The panel's one error vocabulary: every error answer the panel can get, from the gateway (`{error}`,
 * with Retry-After on 429/503) or proxied from the upstream (Evolution's `{status, error, response:
 * {message}}`, its 5xx bodies replaced by the gateway with "Upstream error (request <id>)" unless the text
 * is one clients act on, such as "Connection Closed"), becomes one sentence that says what happened and
 * what to do. The reason phrase ("Bad Request", "Internal Server Error") is never the sentence.
 *
 * `apiErrorSentence` maps an HTTP answer (api/client.ts calls it for every failure, so every toast and
 * inline error uses it); `errorSentence` maps the text the gateway stored in the message log's
 * `error_message` (History) or a scheduled job's result line, which holds the same upstream words
 * (a raw `[{"jid":…,"exists":false,…}]`, "status 500: Connection Closed (after 3 attempts)").
 */
import { messageText } from '../api/error-text.js'

/** What the request was about, when the answer does not say it (the instance from the path or body). */
export type ErrorContext = { instance?: string | null; send?: boolean }

/** One failed answer: its status (0 = no answer), parsed JSON body, Retry-After seconds, and the request. */
export type FailedAnswer = { status: number; body: unknown; retryAfter?: number | null; path?: string; requestBody?: unknown }

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v)

/** A number as the panel writes it: `+` and the digits (the user part of a JID). */
export function displayNumber(raw: string): string {
  const digits = raw.replace(/@.*$/, '').replace(/:\d+$/, '').replace(/\D/g, '')
  return digits ? `+${digits}` : raw
}

/** "wait 12 seconds" / "wait a minute" from a Retry-After value. */
function waitFor(seconds: number | null | undefined): string {
  if (seconds === null || seconds === undefined || !Number.isFinite(seconds) || seconds <= 0) return 'wait a moment'
  const s = Math.ceil(seconds)
  if (s < 120) return `wait ${s} second${s === 1 ? '' : 's'}`
  return `wait ${Math.ceil(s / 60)} minutes`
}

/** The numbers of `{jid, exists: false, number}` records in a message value, or [] when there are none. */
function missingNumbers(v: unknown): string[] {
  const list = Array.isArray(v) ? v.flat(2) : [v]
  const out: string[] = []
  for (const x of list) {
    if (isObj(x) && x.exists === false && (typeof x.number === 'string' || typeof x.jid === 'string')) {
      out.push(displayNumber(typeof x.number === 'string' && x.number !== '' ? x.number : String(x.jid)))
    }
  }
  return out
}

function notOnWhatsApp(numbers: string[]): string {
  const who = numbers.length === 1 ? `${numbers[0]} is` : `${numbers.slice(0, -1).join(', ')} and ${numbers[numbers.length - 1]} are`
  return `${who} not on WhatsApp: check the number and its country code`
}

function notConnected(ctx: ErrorContext): string {
  return ctx.instance ? `Connect ${ctx.instance} first: it is not connected to WhatsApp` : 'The instance is not connected to WhatsApp: connect it first (Instances)'
}

const TIMEOUT_SEND = 'WhatsApp did not answer in time; the message may still arrive — check History before resending'

/**
 * The sentence for one known text (an upstream message or a gateway `error`), or null when the text is
 * already the sentence to show. `retryAfter` comes from the answer's header when there is one.
 */
function knownText(text: string, ctx: ErrorContext, retryAfter: number | null | undefined): string | null {
  const t = text.replace(/^Error:\s*/, '').trim()
  if (/^Connection Closed$/i.test(t)) return notConnected(ctx)
  const upstream = /^Upstream error \(request ([^)]+)\)$/.exec(t)
  if (upstream) return `WhatsApp could not do this right now: try again; if it keeps failing, give your operator the request id ${upstream[1]}`
  switch (t) {
    case 'Database unavailable':
      return `The service's database is unavailable: ${waitFor(retryAfter)} and try again`
    case 'Service temporarily unavailable, please retry later':
      return `WhatsApp is temporarily unavailable after repeated failures: ${waitFor(retryAfter)} and try again`
    case 'WhatsApp API timeout':
      return ctx.send ? TIMEOUT_SEND : 'WhatsApp did not answer in time: try again'
    case 'WhatsApp API unavailable':
      return 'WhatsApp cannot be reached right now: try again in a minute; if it keeps failing, tell your operator'
    case 'Message log buffer full':
      return `The gateway is busy saving earlier messages: ${waitFor(retryAfter ?? 5)} and send again`
    case 'Rate limit exceeded':
    case 'Too many requests':
      return ctx.send ? `Too many messages: ${waitFor(retryAfter)} before sending again` : `Too many requests: ${waitFor(retryAfter)} and try again`
    case 'You do not own this instance':
    case 'Instance not found or not owned by you':
      return `You do not own this instance${ctx.instance ? ` (${ctx.instance})` : ''}: ask its owner to share it with you`
    case 'Request body too large':
      return 'Too large: send a smaller file or a shorter message'
    case 'Internal server error':
    case 'Internal Server Error':
      return 'Something went wrong on the server: try again; if it keeps failing, tell your operator'
    case 'Bad request':
    case 'Bad Request':
      return 'The request was refused as malformed: reload the page and try again'
    case 'Not found':
    case 'Not Found':
      return 'Not found: it may have been deleted; reload the page'
    case 'Forbidden':
      return 'You are not allowed to do this'
    case 'Bad gateway':
      return 'WhatsApp cannot be reached right now: try again in a minute'
    case 'Gateway timeout':
      return ctx.send ? TIMEOUT_SEND : 'The server did not answer in time: try again'
    default:
      return null
  }
}

/** A sentence for an answer with no usable text, by its status. */
function byStatus(status: number, ctx: ErrorContext, retryAfter: number | null | undefined): string {
  if (status === 0) return 'The gateway did not answer: check your connection and try again'
  if (status === 429) return knownText('Too many requests', ctx, retryAfter)!
  if (status === 504) return knownText('Gateway timeout', ctx, retryAfter)!
  if (status === 502 || status === 503) return `The service is temporarily unavailable: ${waitFor(retryAfter)} and try again`
  if (status >= 500) return knownText('Internal server error', ctx, retryAfter)!
  if (status === 404) return knownText('Not found', ctx, retryAfter)!
  if (status === 403) return knownText('Forbidden', ctx, retryAfter)!
  return `The request was refused (HTTP ${status})`
}

/** A message value (string, strings, `{property, message}`, existence records) as one sentence. */
function messageSentence(v: unknown, ctx: ErrorContext, retryAfter: number | null | undefined): string {
  const missing = missingNumbers(v)
  if (missing.length > 0) return notOnWhatsApp(missing)
  const parts = (Array.isArray(v) ? v.flat(2) : [v]).map((x) => messageText(x)).filter((s) => s !== '')
  if (parts.length === 0) return ''
  return parts.map((p) => knownText(p, ctx, retryAfter) ?? p).join('; ')
}

/** The instance a request path or body names (`/message/sendText/<instance>`, `{instance_name}`). */
export function instanceOf(path: string | undefined, requestBody?: unknown): string | null {
  if (isObj(requestBody) && typeof requestBody.instance_name === 'string' && requestBody.instance_name !== '') return requestBody.instance_name
  if (!path || path.startsWith('/api/')) return null
  const segs = path.split('?')[0]!.split('/').filter((s) => s !== '')
  if (segs.length < 3) return null
  try {
    return decodeURIComponent(segs[segs.length - 1]!)
  } catch {
    return segs[segs.length - 1]!
  }
}

/** Whether a request sends messages (its timeout means "maybe sent", its 429 "too many messages"). */
export function isSendPath(path: string | undefined): boolean {
  return !!path && (/^\/message\/send/.test(path) || /^\/api\/scheduled(\/|$|\?)/.test(path))
}

/** The sentence for a failed HTTP answer (see the module comment). */
export function apiErrorSentence(a: FailedAnswer): string {
  const ctx: ErrorContext = { instance: instanceOf(a.path, a.requestBody), send: isSendPath(a.path) }
  const b = a.body
  if (isObj(b)) {
    // Upstream (Evolution): response.message; POST /chat/whatsappNumbers puts message at the top level.
    if (isObj(b.response) && 'message' in b.response) {
      const s = messageSentence(b.response.message, ctx, a.retryAfter)
      if (s) return s
    } else if (typeof b.status === 'number' && b.message !== undefined && typeof b.message !== 'string') {
      const s = messageSentence(b.message, ctx, a.retryAfter)
      if (s) return s
    }
    if (typeof b.error === 'string' && b.error !== '' && !('response' in b)) {
      const known = knownText(b.error, ctx, a.retryAfter)
      if (known) return known
      if (b.error === 'Instance limit reached' && typeof b.max === 'number') {
        return `Instance limit reached (${String(b.current ?? b.max)} of ${b.max}): delete an instance or ask an admin to raise your limit`
      }
      return b.error
    }
    if (typeof b.message === 'string' && b.message !== '') return knownText(b.message, ctx, a.retryAfter) ?? b.message
  }
  return byStatus(a.status, ctx, a.retryAfter)
}

/**
 * The sentence for an error text stored by the gateway (History's `error_message`, a scheduled job's
 * result line): the upstream's message as JSON or text, maybe after "status 400: " and before
 * " (after 3 attempts)". Null/empty gives ''.
 */
export function errorSentence(raw: string | null | undefined, ctx: ErrorContext = {}): string {
  if (raw === null || raw === undefined) return ''
  let text = raw.trim()
  if (text === '') return ''
  let suffix = ''
  const tail = /\s*\((after \d+ attempts|not retried: [^)]*)\)$/.exec(text)
  if (tail) {
    suffix = tail[1]!.startsWith('after') ? ` (${tail[1]})` : ''
    if (tail[1]!.startsWith('not retried: it may have been sent')) suffix = ' — it may have been sent: check before resending'
    text = text.slice(0, tail.index)
  }
  const status = /^status (\d{3})(?::\s*(.*))?$/s.exec(text)
  const code = status ? Number(status[1]) : null
  if (status) text = (status[2] ?? '').trim()
  const sendCtx: ErrorContext = { send: true, ...ctx }
  let sentence = ''
  if (text.startsWith('[') || text.startsWith('{')) {
    try {
      const parsed: unknown = JSON.parse(text)
      sentence = isObj(parsed) && ('error' in parsed || 'response' in parsed) ? apiErrorSentence({ status: code ?? 0, body: parsed }) : messageSentence(parsed, sendCtx, null)
    } catch {
      sentence = ''
    }
  }
  if (!sentence && text) sentence = knownText(text, sendCtx, null) ?? text
  if (!sentence) sentence = byStatus(code ?? 0, sendCtx, null)
  return sentence + suffix
}

/** A scheduled job's result line (`<number>: <error>`) with its error as a sentence. */
export function resultLineSentence(line: string, ctx: ErrorContext = {}): string {
  const m = /^(\+?\d+): (.*)$/s.exec(line)
  if (!m) return errorSentence(line, ctx) || line
  const who = displayNumber(m[1]!)
  if (m[2] === 'unconfirmed') return `${who}: unconfirmed`
  const sentence = errorSentence(m[2], ctx)
  return sentence.startsWith(`${who} `) ? sentence : `${who}: ${sentence}`
}

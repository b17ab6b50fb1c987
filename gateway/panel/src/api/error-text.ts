/**
 * The words of an upstream (Evolution API v2) error answer. The upstream answers
 * `{"status":400,"error":"Bad Request","response":{"message":[...]}}`: `error` is only the reason
 * phrase, the text worth showing is `response.message`, which may be a string, an array of strings, a
 * nested array (schema failures), objects `{property, message}` (group schemas), or the existence
 * record of a number that is not on WhatsApp. `POST /chat/whatsappNumbers` puts the same `message`
 * at the top level, without `response`. The gateway's own errors are `{"error": "<text>"}`: null here.
 */
const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v)

/** One readable line for any `message` value. */
export function messageText(v: unknown): string {
  if (v === null || v === undefined) return ''
  if (typeof v === 'string') return v.trim()
  if (typeof v === 'number' || typeof v === 'boolean') return String(v)
  if (Array.isArray(v)) return v.map(messageText).filter((s) => s !== '').join('; ')
  if (isObj(v)) {
    if (v.exists === false && (typeof v.number === 'string' || typeof v.jid === 'string')) {
      const who = typeof v.number === 'string' ? v.number : String(v.jid)
      return `${who} is not on WhatsApp`
    }
    if ('message' in v) return messageText(v.message)
    return JSON.stringify(v)
  }
  return String(v)
}

/** The upstream's text in an error body, or null when the body is not an Evolution error. */
export function upstreamErrorMessage(body: unknown): string | null {
  if (!isObj(body)) return null
  let text = ''
  if (isObj(body.response) && 'message' in body.response) text = messageText(body.response.message)
  else if (typeof body.status === 'number' && body.message !== undefined && typeof body.message !== 'string') text = messageText(body.message)
  return text === '' ? null : text
}

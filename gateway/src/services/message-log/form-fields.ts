/**
 * @module services/message-log/form-fields
 * The text fields of a send whose body is a form, so the message log can describe it like a JSON one
 * (D13, docs/decisions.md#d13): Evolution v2 accepts `multipart/form-data` on sendSticker, sendPtv and
 * sendStatus (the file in a part named `file`, the other fields acting as the body), and urlencoded
 * bodies on every route. File parts are skipped without being decoded: only the small text parts are
 * read, each cut to MAX_VALUE characters.
 */

const MAX_FIELDS = 64
const MAX_VALUE = 1024
const CRLF2 = Buffer.from('\r\n\r\n')

/** The form's text fields (first value of each name), or null when the body is not a form. */
export function formFields(raw: Buffer, contentType: string): Record<string, string> | null {
  const type = contentType.split(';', 1)[0]!.trim().toLowerCase()
  if (type === 'application/x-www-form-urlencoded') return urlencoded(raw)
  if (type === 'multipart/form-data') {
    const m = /;\s*boundary=(?:"([^"]+)"|([^;\s]+))/i.exec(contentType)
    const boundary = m?.[1] ?? m?.[2]
    return boundary ? multipart(raw, boundary) : null
  }
  return null
}

function urlencoded(raw: Buffer): Record<string, string> {
  const out: Record<string, string> = {}
  let n = 0
  for (const [k, v] of new URLSearchParams(raw.toString('utf8'))) {
    if (Object.hasOwn(out, k)) continue
    if (++n > MAX_FIELDS) break
    out[k] = v.slice(0, MAX_VALUE)
  }
  return out
}

function multipart(raw: Buffer, boundary: string): Record<string, string> {
  const out: Record<string, string> = {}
  const delimiter = Buffer.from(`--${boundary}`)
  const next = Buffer.from(`\r\n--${boundary}`)
  let at = raw.indexOf(delimiter)
  for (let n = 0; at !== -1 && n < MAX_FIELDS; n++) {
    const start = at + delimiter.length
    // `--boundary--` closes the form.
    if (raw[start] === 0x2d && raw[start + 1] === 0x2d) break
    const headEnd = raw.indexOf(CRLF2, start)
    if (headEnd === -1) break
    const end = raw.indexOf(next, headEnd + CRLF2.length)
    if (end === -1) break
    const head = raw.toString('utf8', start, headEnd)
    const disposition = /^content-disposition:(.*)$/im.exec(head)?.[1] ?? ''
    const name = /;\s*name="([^"]*)"/i.exec(disposition)?.[1] ?? /;\s*name=([^;\s]+)/i.exec(disposition)?.[1]
    const isFile = /;\s*filename\*?=/i.test(disposition)
    if (name !== undefined && !isFile && !Object.hasOwn(out, name)) {
      const valueEnd = Math.min(end, headEnd + CRLF2.length + MAX_VALUE * 4)
      out[name] = raw.toString('utf8', headEnd + CRLF2.length, valueEnd).slice(0, MAX_VALUE)
    }
    at = end + 2
  }
  return out
}

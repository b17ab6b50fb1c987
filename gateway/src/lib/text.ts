/**
 * @module lib/text
 * The text rule every route shares (issue 14): PostgreSQL `text` cannot hold NUL (U+0000), and a body
 * that is not valid UTF-8 would be silently mangled by decoding; both are a 400 naming the field
 * instead of a 500 from the database. Applied in one place per input kind: JSON bodies (lib/body
 * `readJsonObject`, and the /message/* sends), plain-text bodies (`decodeTextBody`), and the request
 * target's path and query (middleware/url-text).
 */
import { isUtf8 } from 'node:buffer'
import { ApiError } from '../errors/api-error.js'

export const nulMessage = (field: string): string => `${field} must not contain NUL characters`
export const utf8Message = (field: string): string => `${field} is not valid UTF-8`
export const encodingMessage = (field: string): string => `${field} has invalid percent-encoding`
/** A path is not a field: its bad encodings get the proxy's one answer for unacceptable paths. */
export const INVALID_PATH = 'Invalid path'

const BODY = 'Request body'
const REPLACEMENT = '\uFFFD'

/** `a`, `a.b`, `a[0]`, `a["odd key"]`: how a field of a JSON body is named in an error. */
function child(path: string, key: string | number): string {
  if (typeof key === 'number') return `${path}[${key}]`
  const name = /^[A-Za-z_$][\w$]*$/.test(key) ? key : JSON.stringify(key).replace(/\\u0000/g, '\\0')
  if (path === '') return name.startsWith('"') ? `[${name}]` : name
  return name.startsWith('"') ? `${path}[${name}]` : `${path}.${name}`
}

/** One object or array being walked: its keys (null for an array), the next index, the key walked into. */
type Frame = { node: object; keys: string[] | null; next: number; key: string | number }

function frame(node: object): Frame {
  if (Array.isArray(node)) return { node, keys: null, next: 0, key: 0 }
  const keys: string[] = []
  for (const k in node) keys.push(k)
  return { node, keys, next: 0, key: '' }
}

/**
 * The first field (depth first, keys included) whose text contains `needle`, or null. Iterative, with
 * an explicit stack: JSON.parse accepts any depth, and a recursive walk would overflow the call stack
 * on a deeply nested body (a 500 instead of this rule's 400).
 */
export function fieldContaining(value: unknown, needle: string, path = ''): string | null {
  if (typeof value === 'string') return value.includes(needle) ? path || BODY : null
  if (value === null || typeof value !== 'object') return null
  const stack: Frame[] = [frame(value)]
  // The name of the field the walk stands on, built only once something was found.
  const here = (): string => stack.reduce((p, f) => child(p, f.key), path)
  while (stack.length > 0) {
    const top = stack[stack.length - 1]!
    const size = top.keys ? top.keys.length : (top.node as unknown[]).length
    if (top.next >= size) {
      stack.pop()
      continue
    }
    const i = top.next++
    let v: unknown
    if (top.keys) {
      const k = top.keys[i]!
      top.key = k
      if (k.includes(needle)) return here()
      v = (top.node as Record<string, unknown>)[k]
    } else {
      top.key = i
      v = (top.node as unknown[])[i]
    }
    if (typeof v === 'string') {
      if (v.includes(needle)) return here()
    } else if (v !== null && typeof v === 'object') {
      stack.push(frame(v))
    }
  }
  return null
}

/**
 * Decodes a JSON body's bytes, refusing invalid UTF-8 with the field it falls in (found by parsing
 * the lossy decoding and looking for the replacement character). A body that does not parse either is
 * returned as decoded: the caller's "Invalid JSON body" is the better answer for it.
 */
export function decodeJsonText(raw: Buffer): string {
  const text = raw.toString('utf8')
  if (isUtf8(raw)) return text
  let parsed: unknown
  try {
    parsed = JSON.parse(text.replace(/^\uFEFF/, ''))
  } catch {
    return text
  }
  throw new ApiError(400, utf8Message(fieldContaining(parsed, REPLACEMENT) ?? BODY))
}

/**
 * NUL anywhere in a parsed JSON value -> 400 naming the field. `raw` is the JSON text: NUL can only be
 * written there as the escape `\u0000` (JSON forbids raw control characters), so the walk runs only
 * when that escape appears.
 */
export function assertNoNul(parsed: unknown, raw: string | Buffer): void {
  if (!raw.includes('\\u0000')) return
  const field = fieldContaining(parsed, '\u0000')
  if (field) throw new ApiError(400, nulMessage(field))
}

/** Both rules for a JSON body already parsed elsewhere (the /message/* sends, which forward the bytes). */
export function assertJsonText(raw: Buffer, parsed: unknown): void {
  if (!isUtf8(raw)) throw new ApiError(400, utf8Message(fieldContaining(parsed, REPLACEMENT) ?? BODY))
  assertNoNul(parsed, raw)
}

/** A plain-text body (e.g. a CSV upload) as a string: valid UTF-8 and no NUL, else 400 naming `field`. */
export function decodeTextBody(raw: Buffer, field: string): string {
  if (!isUtf8(raw)) throw new ApiError(400, utf8Message(field))
  if (raw.includes(0)) throw new ApiError(400, nulMessage(field))
  return raw.toString('utf8').replace(/^\uFEFF/, '')
}

/** A query component decoded; `field` null means a path segment (answered `Invalid path`). */
function decodeComponent(s: string, field: string | null, plusIsSpace: boolean): string {
  if (!s.includes('%')) return s
  let out: string
  try {
    out = decodeURIComponent(plusIsSpace ? s.replace(/\+/g, ' ') : s)
  } catch {
    throw new ApiError(400, field === null ? INVALID_PATH : encodingMessage(field))
  }
  if (out.includes('\u0000')) throw new ApiError(400, field === null ? INVALID_PATH : nulMessage(field))
  return out
}

/**
 * The request target's text rule: every path segment and query key/value must percent-decode to valid
 * UTF-8 without NUL (a raw NUL never gets past Node's parser). Names the query parameter; a bad path is
 * `Invalid path`, as the proxy answers for every unacceptable path.
 */
export function assertUrlText(target: string): void {
  if (!target.includes('%')) return
  const q = target.indexOf('?')
  const path = q === -1 ? target : target.slice(0, q)
  for (const seg of path.split('/')) decodeComponent(seg, null, false)
  if (q === -1) return
  for (const pair of target.slice(q + 1).split('&')) {
    const eq = pair.indexOf('=')
    const rawKey = eq === -1 ? pair : pair.slice(0, eq)
    const key = decodeComponent(rawKey, 'query string', true)
    if (eq !== -1) decodeComponent(pair.slice(eq + 1), key || 'query string', true)
  }
}

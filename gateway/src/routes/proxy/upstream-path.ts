/**
 * @module routes/proxy/upstream-path
 * Decodes and normalises a proxied request path once, so the route table, the ownership check and the
 * upstream all see the same path (no parser differential): percent-decoded segments, `//` merged, the
 * trailing slash dropped. Dot segments, encoded slashes/backslashes and control bytes are refused outright
 * rather than resolved, because no legitimate upstream route needs them.
 */

export type UpstreamPath = {
  /** Decoded, non-empty segments: /message/sendText/my-inst -> ['message','sendText','my-inst']. */
  segments: string[]
  /** The path re-encoded segment by segment, plus the original query string: what the upstream gets. */
  forwardUrl: string
}

// %2F / %5C would let one decoded segment smuggle a separator; %00 and friends have no business in a path.
const FORBIDDEN_ENCODED = /%(2f|5c|00)/i
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f\\]/

/** Parses the raw request target (`/a/b?x=1`); returns null when the path is not acceptable. */
export function parseUpstreamPath(rawTarget: string): UpstreamPath | null {
  const q = rawTarget.indexOf('?')
  const rawPath = q === -1 ? rawTarget : rawTarget.slice(0, q)
  const query = q === -1 ? '' : rawTarget.slice(q)
  if (!rawPath.startsWith('/') || FORBIDDEN_ENCODED.test(rawPath)) return null
  const segments: string[] = []
  for (const raw of rawPath.split('/')) {
    if (raw === '') continue
    let seg: string
    try {
      // No '%': decoding is the identity (and cannot throw).
      seg = raw.includes('%') ? decodeURIComponent(raw) : raw
    } catch {
      return null
    }
    if (seg === '.' || seg === '..' || seg.includes('/') || CONTROL.test(seg)) return null
    segments.push(seg)
  }
  const forwardUrl = `/${segments.map(encodeSegment).join('/')}${query}`
  return { segments, forwardUrl }
}

/** Like encodeURIComponent but keeps the characters Express/Evolution routes use verbatim (@ : + , ;). */
/** Characters encodeURIComponent leaves as they are: such a segment re-encodes to itself. */
const UNRESERVED = /^[A-Za-z0-9_.!~*'()-]*$/

function encodeSegment(s: string): string {
  if (UNRESERVED.test(s)) return s
  return encodeURIComponent(s).replace(/%(40|3A|2B|2C|3B)/g, (m) => decodeURIComponent(m))
}

/** Raw request target (path + query) of a Request URL, without decoding anything. */
export function rawTarget(url: string): string {
  const start = url.indexOf('/', url.indexOf('//') + 2)
  return start === -1 ? '/' : url.slice(start)
}

/**
 * @module lib/user-agent
 * A session's User-Agent as people say it ("Chrome on Linux", "Safari on iOS"), through bowser (a
 * maintained parser, MIT, no dependencies) rather than our own regular expressions, which age badly.
 * Clients that are not browsers (curl, scripts) keep their product token; no header is null.
 */
import Bowser from 'bowser'

export function describeUserAgent(ua: string | null | undefined): string | null {
  const raw = (ua ?? '').trim()
  if (!raw) return null
  try {
    const r = Bowser.parse(raw)
    const browser = r.browser.name
    const os = r.os.name
    if (browser && os) return `${browser} on ${os}`
    if (browser) return browser
  } catch {
    /* an unparseable header is described by its first token below */
  }
  // curl/8.5.0, python-requests/2.31: the product name without the version.
  const token = raw.split(/[\s/]/)[0] ?? raw
  return token.slice(0, 60) || null
}

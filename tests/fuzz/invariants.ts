/**
 * @module tests/fuzz/invariants
 * What must hold for every answer: never a 5xx, X-Request-ID present, 4xx bodies are JSON {error}
 * (a HEAD answer has no body to check), and a refused (4xx) request changed no row.
 */
import type { RawResponse } from './raw-http.js'
import { changedTables, type Checksum } from './row-checksum.js'

export function violations(method: string, res: RawResponse, before: Checksum, after: Checksum): string[] {
  const out: string[] = []
  if (res.status >= 500) out.push(`status ${res.status} (5xx)`)
  if (!res.headers['x-request-id']) out.push('no X-Request-ID header')
  if (res.status >= 400 && res.status < 500) {
    if (method !== 'HEAD') {
      const type = String(res.headers['content-type'] ?? '')
      let parsed: unknown
      try {
        parsed = JSON.parse(res.body.toString('utf8'))
      } catch {
        parsed = undefined
      }
      const ok = /application\/json/i.test(type) && parsed !== null && typeof parsed === 'object' && typeof (parsed as { error?: unknown }).error === 'string'
      if (!ok) out.push(`4xx body is not JSON {error}: content-type ${type || '(none)'}, body ${JSON.stringify(res.body.subarray(0, 200).toString('utf8'))}`)
    }
    const changed = changedTables(before, after)
    if (changed.length) out.push(`refused request changed rows in: ${changed.join(', ')}`)
  }
  return out
}

/**
 * @module services/idempotency/openapi
 * How the `Idempotency-Key` header shows in the OpenAPI document (services/openapi/document): the header
 * parameter and its 409/422 answers, on every proxied `POST /message/*` send and on the native routes
 * listed here. One list, beside the code that honours the header, so the document cannot claim it on a
 * route that ignores it.
 */
import { BAD_KEY, IN_PROGRESS, MAX_KEY_LENGTH, REUSED } from './idempotent.js'

/** Native routes (method + Hono path) that honour the header. */
export const IDEMPOTENT_NATIVE_ROUTES: ReadonlySet<string> = new Set(['POST /api/scheduled'])

/** Whether a proxied route (method + route-table path) honours the header: every send. */
export const proxiedIsIdempotent = (method: string, path: string): boolean => method === 'POST' && path.startsWith('/message/')

export const IDEMPOTENCY_PARAMETER = {
  name: 'Idempotency-Key',
  in: 'header',
  required: false,
  description:
    `Optional, 1 to ${MAX_KEY_LENGTH} characters (a UUID is a good choice). The same key from the same user within 24 h ` +
    'with the same method, path and body returns the first answer (status, body, headers, plus `Idempotent-Replayed: true`) ' +
    'and sends nothing. 2xx, 4xx and 504 answers are kept; other 5xx are not (a retry with the key tries again). See docs/idempotency.md.',
  schema: { type: 'string', minLength: 1, maxLength: MAX_KEY_LENGTH },
}

/** The answers the header adds (plus its 400). */
export const IDEMPOTENCY_RESPONSES = {
  '400': `Invalid input (also: "${BAD_KEY}")`,
  '409': `${IN_PROGRESS} (the first request with this key has not finished; Retry-After)`,
  '422': REUSED,
}

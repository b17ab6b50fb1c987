/**
 * @module errors/on-error
 * Renders every failure as JSON `{error}` (D10, docs/decisions.md#d10): ApiError as given, Hono's HTTPException by status,
 * PostgreSQL unreachable as 503 "Database unavailable" with Retry-After (docs/operations.md#what-each-outage-does-to-users),
 * anything unexpected as a logged 500 that says nothing about internals.
 */
import type { Context } from 'hono'
import { HTTPException } from 'hono/http-exception'
import type { ContentfulStatusCode } from 'hono/utils/http-status'
import type { Logger } from 'pino'
import type { AppEnv } from '../env.js'
import { isDatabaseUnavailable } from '../../../common/src/db/pg-resilience.js'
import { ApiError } from './api-error.js'

const STATUS_MESSAGES: Record<number, string> = {
  400: 'Bad request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not found',
  405: 'Method not allowed',
  413: 'Request body too large',
  429: 'Too many requests',
  502: 'Bad gateway',
  503: 'Service temporarily unavailable, please retry later',
  504: 'Gateway timeout',
}

/** What an error answers: status, JSON body and its own headers (Retry-After, X-RateLimit-* of a 429). */
export type RenderedError = { status: ContentfulStatusCode; body: Record<string, unknown>; headers: Record<string, string> }

/**
 * The one mapping from a thrown value to its answer, logging what deserves it (5xx). Used by `onError`
 * and by the Node-level send path (routes/proxy/fast-send.ts), which writes the result itself.
 */
export function renderError(err: unknown, log: Pick<Logger, 'error'> | undefined): RenderedError {
  if (err instanceof ApiError) {
    if (err.status >= 500) log?.error({ err: err.message }, 'request failed')
    return { status: err.status, body: err.body(), headers: err.headers }
  }
  if (err instanceof HTTPException) {
    const status = err.status as ContentfulStatusCode
    return { status, body: { error: STATUS_MESSAGES[status] ?? (err.message || 'Request failed') }, headers: {} }
  }
  if (isDatabaseUnavailable(err)) return databaseUnavailable(err, log)
  log?.error({ err }, 'unhandled error')
  return { status: 500, body: { error: 'Internal server error' }, headers: {} }
}

/** Seconds a client is told to wait when the error does not say (the pool's circuit does). */
const DB_RETRY_AFTER_SECONDS = 2

/**
 * PostgreSQL could not be reached (the pool's circuit is open, a connection was refused, closed or timed
 * out, the server is shutting down). A warning without the driver's message: it names hosts and ports.
 */
function databaseUnavailable(err: unknown, log: Pick<Logger, 'error'> | undefined): RenderedError {
  const e = err as { code?: unknown; retryAfterSeconds?: unknown }
  const retry = typeof e.retryAfterSeconds === 'number' ? e.retryAfterSeconds : DB_RETRY_AFTER_SECONDS
  if (e.code !== 'DATABASE_UNAVAILABLE') log?.error({ code: e.code }, 'database unavailable')
  return { status: 503, body: { error: 'Database unavailable' }, headers: { 'Retry-After': String(retry) } }
}

export function onError(err: Error, c: Context<AppEnv>): Response {
  const r = renderError(err, c.get('log'))
  for (const k in r.headers) c.header(k, r.headers[k])
  return c.json(r.body, r.status)
}

export function notFoundHandler(c: Context<AppEnv>): Response {
  return c.json({ error: 'Not found' }, 404)
}

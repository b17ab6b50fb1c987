/**
 * @module errors/on-error
 * Renders every failure as JSON `{error}` (D10): ApiError as given, Hono's HTTPException by status,
 * anything unexpected as a logged 500 that says nothing about internals.
 */
import type { Context } from 'hono'
import { HTTPException } from 'hono/http-exception'
import type { AppEnv } from '../env.js'
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

export function onError(err: Error, c: Context<AppEnv>): Response {
  if (err instanceof ApiError) {
    for (const [k, val] of Object.entries(err.headers)) c.header(k, val)
    if (err.status >= 500) c.get('log')?.error({ err: err.message }, 'request failed')
    return c.json(err.body(), err.status)
  }
  if (err instanceof HTTPException) {
    const status = err.status
    const message = STATUS_MESSAGES[status] ?? (err.message || 'Request failed')
    return c.json({ error: message }, status)
  }
  c.get('log')?.error({ err }, 'unhandled error')
  return c.json({ error: 'Internal server error' }, 500)
}

export function notFoundHandler(c: Context<AppEnv>): Response {
  return c.json({ error: 'Not found' }, 404)
}

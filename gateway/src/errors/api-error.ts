/**
 * @module errors/api-error
 * The one error type routes and middleware throw. `onError` renders it as the reference's envelope
 * `{error, ...extra}` with its status; anything else becomes a 500 without internals.
 */
import type { ContentfulStatusCode } from 'hono/utils/http-status'

export type ErrorExtra = Record<string, unknown>

export class ApiError extends Error {
  constructor(
    readonly status: ContentfulStatusCode,
    message: string,
    /** Extra body fields the reference sends with some errors (limit/window, current/max, ...). */
    readonly extra: ErrorExtra = {},
    /** Extra response headers (Retry-After, ...). */
    readonly headers: Record<string, string> = {},
  ) {
    super(message)
    this.name = 'ApiError'
  }

  body(): Record<string, unknown> {
    return { error: this.message, ...this.extra }
  }
}

export const badRequest = (message: string, extra?: ErrorExtra) => new ApiError(400, message, extra)
export const unauthorized = (message: string) => new ApiError(401, message)
export const forbidden = (message: string, extra?: ErrorExtra) => new ApiError(403, message, extra)
export const notFound = (message = 'Not found') => new ApiError(404, message)
export const conflict = (message: string) => new ApiError(409, message)

/**
 * @module upstream/driver/baileys/socket-errors
 * How a Baileys failure is read: its disconnect code (Boom's `output.statusCode`), whether it was the
 * WebSocket itself that failed (always network trouble, whatever code Baileys guessed), and whether a
 * call failed because the socket is closed (the seam's ConnectionClosedError).
 */
import { Reason } from './reconnect-policy.js'

/** Boom's `output.statusCode`, or 428 (connection closed) for a close without one. */
export function statusCodeOf(err: unknown): number {
  const code = (err as { output?: { statusCode?: unknown } } | undefined)?.output?.statusCode
  return typeof code === 'number' ? code : Reason.connectionClosed
}

/** Baileys wraps WebSocket-level failures as `WebSocket Error (<message>)`. */
export const isTransportError = (err: unknown): boolean => err instanceof Error && err.message.startsWith('WebSocket Error')

export const isClosedError = (err: unknown): boolean =>
  err instanceof Error && (err.message === 'Connection Closed' || ('isBoom' in err && statusCodeOf(err) === Reason.connectionClosed))

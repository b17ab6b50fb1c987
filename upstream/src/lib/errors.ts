/**
 * @module upstream/lib/errors
 * Evolution's error envelope `{status, error, response:{message}}`: one error type, one renderer. The
 * `message` shape varies on purpose (array for thrown exceptions, nested array for schema failures,
 * plain string for 401 and internal errors) because clients written for Evolution parse exactly that.
 */
import { STATUS_CODES } from 'node:http'

/** Reason phrase as Express prints it (`Bad Request`, `Not Found`, ...). */
export function reasonPhrase(status: number): string {
  return STATUS_CODES[status] ?? 'Unknown'
}

/** An HTTP error rendered as Evolution's envelope. `error` overrides the reason phrase (body-parser quirk). */
export class EvoError extends Error {
  constructor(
    readonly status: number,
    readonly responseMessage: unknown,
    readonly reason: string = reasonPhrase(status),
    /** Extra fields beside `message` in `response` (the Cloud API's `metaError`). */
    readonly responseExtra: Record<string, unknown> = {},
  ) {
    super(typeof responseMessage === 'string' ? responseMessage : JSON.stringify(responseMessage))
    this.name = 'EvoError'
  }

  toJSON(): EvoEnvelope {
    return { status: this.status, error: this.reason, response: { message: this.responseMessage, ...this.responseExtra } }
  }
}

export type EvoEnvelope = { status: number; error: string; response: { message: unknown; [extra: string]: unknown } }

/** 400 with Evolution's BadRequestException(...args): message is the array of arguments. */
export const badRequest = (...args: unknown[]) => new EvoError(400, args)
/** 403 ForbiddenException(...args). */
export const forbidden = (...args: unknown[]) => new EvoError(403, args)
/** 404 NotFoundException(...args). */
export const notFound = (...args: unknown[]) => new EvoError(404, args)
/** 401 with no argument: the message is the plain string `Unauthorized`. */
export const unauthorized = () => new EvoError(401, 'Unauthorized')
/**
 * 503 while the upstream's PostgreSQL cannot be reached: Evolution's envelope with a fixed message (the
 * driver's own names the host and port). Clients should retry after RETRY_AFTER_SECONDS.
 */
export const databaseUnavailable = () => new EvoError(503, ['Database unavailable'])
export const DATABASE_RETRY_AFTER_SECONDS = 2
/** 500 from a non-HTTP error: the message is the error's own message string. */
export const internal = (message: string) => new EvoError(500, message)

/** Evolution's guard message for an unknown instance name. */
export const instanceNotFound = (name: string) => notFound(`The "${name}" instance does not exist`)
/** Evolution's message when an operation needs a live connection. */
export const notConnected = (name: string) => badRequest(`The "${name}" instance is not connected`)

/** The instance is between two replicas (a handover or failover) and no owner answered in time. */
export const instanceMoving = (name: string) => new EvoError(503, [`The "${name}" instance is moving between replicas; retry shortly`])
export const MOVING_RETRY_AFTER_SECONDS = 1

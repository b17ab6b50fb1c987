/**
 * @module middleware/request-id
 * X-Request-ID: a well-formed incoming id is propagated, otherwise one is generated; it goes on every
 * response (set by middleware/response-headers, or with a direct Node write by the handler) and, through
 * the request's logger, on every log line of the request (D15, docs/decisions.md#d15).
 *
 * perf: the per-request child logger is created lazily, on the first line a handler logs (most
 * requests log nothing but the request line, which request-log writes through the root logger with
 * the same `reqId` field). No header is touched here (no undici Headers before the handler).
 */
import { randomUUID } from 'node:crypto'
import type { MiddlewareHandler } from 'hono'
import type { Logger } from 'pino'
import type { AppEnv } from '../../env.js'
import { header } from '../../lib/request-header.js'

const HEADER = 'x-request-id'
const VALID = /^[A-Za-z0-9._:-]{1,128}$/

export type RequestIdOptions = { logger: Logger }

/** Stands in for `logger.child({ reqId })` and builds that child on first use. */
class LazyChild {
  private real: Logger | undefined
  constructor(
    private readonly root: Logger,
    private readonly reqId: string,
  ) {}
  private get l(): Logger {
    return (this.real ??= this.root.child({ reqId: this.reqId }))
  }
  get level(): string {
    return this.root.level
  }
  isLevelEnabled(level: string): boolean {
    return this.root.isLevelEnabled(level)
  }
  child(bindings: Record<string, unknown>): Logger {
    return (this.l as unknown as { child(b: object): Logger }).child(bindings)
  }
  // Prototype methods, not per-instance arrow functions: no six closures per request.
  fatal(...a: unknown[]): void {
    ;(this.l.fatal as (...x: unknown[]) => void)(...a)
  }
  error(...a: unknown[]): void {
    ;(this.l.error as (...x: unknown[]) => void)(...a)
  }
  warn(...a: unknown[]): void {
    ;(this.l.warn as (...x: unknown[]) => void)(...a)
  }
  info(...a: unknown[]): void {
    ;(this.l.info as (...x: unknown[]) => void)(...a)
  }
  debug(...a: unknown[]): void {
    ;(this.l.debug as (...x: unknown[]) => void)(...a)
  }
  trace(...a: unknown[]): void {
    ;(this.l.trace as (...x: unknown[]) => void)(...a)
  }
}

/** A well-formed incoming X-Request-ID, else a new one. */
export function requestIdFrom(incoming: string | undefined): string {
  return incoming && VALID.test(incoming) ? incoming : randomUUID()
}

/** The request's logger: `root.child({ reqId })`, built on first use. */
export function requestLogger(root: Logger, reqId: string): Logger {
  return new LazyChild(root, reqId) as unknown as Logger
}

export const requestId = ({ logger }: RequestIdOptions): MiddlewareHandler<AppEnv> =>
  async function requestId(c, next) {
    const id = requestIdFrom(header(c, HEADER))
    c.set('requestId', id)
    c.set('log', requestLogger(logger, id))
    return next()
  }

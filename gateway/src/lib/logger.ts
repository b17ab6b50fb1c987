/**
 * @module lib/logger
 * The pino root logger. Redaction is a second line of defence: secrets are never passed to it.
 *
 * Request lines (one per request: method, path without query, status, duration, client IP, user id,
 * request id; middleware/request-log) go through a sibling logger with the same destination, level and
 * format but no redaction: their fields are fixed and never hold a secret, and the redaction pass was
 * the largest single source of allocations on a send (13 % in `npm run bench -- --alloc-prof`).
 */
import { pino, type Logger } from 'pino'
import { loggerOptions, withRedaction, type ServiceName } from '../../../common/src/logging/log-schema.js'

const requestLines = new WeakMap<Logger, Logger>()

/** The gateway's root logger, in the log schema both services share (common/src/logging). */
export function createLogger(level: string, service: ServiceName = 'gateway'): Logger {
  // Asynchronous stdout: a blocking write per request line was a measurable share of a proxied send's CPU
  // (npm run bench). sonic-boom coalesces lines while a write is in flight and pino flushes it on exit.
  const dest = level === 'silent' ? undefined : pino.destination({ dest: 1, sync: false })
  const options = loggerOptions(service, level)
  const root = pino(withRedaction(options), dest!)
  requestLines.set(root, pino(options, dest!))
  return root
}

/** The logger for request lines: `root`'s unredacted sibling when `root` came from createLogger. */
export function requestLineLogger(root: Logger): Logger {
  const sibling = requestLines.get(root)
  // Keep a level changed at runtime on the root in force for request lines too.
  if (sibling && sibling.level !== root.level) sibling.level = root.level
  return sibling ?? root
}

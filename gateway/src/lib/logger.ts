/**
 * @module lib/logger
 * The pino root logger. Redaction is a second line of defence: secrets are never passed to it.
 *
 * Request lines (one per request: method, path without query, status, duration, client IP, user id,
 * request id; middleware/request-log) go through a sibling logger with the same destination, level and
 * format but no redaction: their fields are fixed and never hold a secret, and the redaction pass was
 * the largest single source of allocations on a send (13 % in `npm run bench -- --alloc-prof`).
 */
import { pino, type Logger, type LoggerOptions } from 'pino'

const requestLines = new WeakMap<Logger, Logger>()

export function createLogger(level: string, name = 'gateway'): Logger {
  // Asynchronous stdout: a blocking write per request line was a measurable share of a proxied send's CPU
  // (npm run bench). sonic-boom coalesces lines while a write is in flight and pino flushes it on exit.
  const dest = level === 'silent' ? undefined : pino.destination({ dest: 1, sync: false })
  const options: LoggerOptions = {
    name,
    level,
    base: { pid: process.pid },
    timestamp: isoTimeEachMs,
  }
  const root = pino({
    ...options,
    redact: {
      paths: ['*.password', '*.token', '*.apikey', '*.secret', 'req.headers.apikey', 'headers.apikey'],
      censor: '[redacted]',
    },
  }, dest!)
  requestLines.set(root, pino(options, dest!))
  return root
}

let lastMs = -1
let lastTime = ''

/**
 * pino's `stdTimeFunctions.isoTime`, the same text, built once per millisecond: at thousands of request
 * lines a second most lines share their millisecond with the one before (perf: `toISOString` per
 * line was ~1 % of a send's CPU).
 */
export function isoTimeEachMs(): string {
  const now = Date.now()
  if (now !== lastMs) {
    lastMs = now
    lastTime = `,"time":"${new Date(now).toISOString()}"`
  }
  return lastTime
}

/** The logger for request lines: `root`'s unredacted sibling when `root` came from createLogger. */
export function requestLineLogger(root: Logger): Logger {
  const sibling = requestLines.get(root)
  // Keep a level changed at runtime on the root in force for request lines too.
  if (sibling && sibling.level !== root.level) sibling.level = root.level
  return sibling ?? root
}

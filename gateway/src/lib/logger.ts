/**
 * @module lib/logger
 * The pino root logger. Redaction is a second line of defence: secrets are never passed to it.
 */
import { pino, type Logger } from 'pino'

export function createLogger(level: string, name = 'gateway'): Logger {
  // Asynchronous stdout: a blocking write per request line was a measurable share of a proxied send's CPU
  // (npm run bench). sonic-boom coalesces lines while a write is in flight and pino flushes it on exit.
  const dest = level === 'silent' ? undefined : pino.destination({ dest: 1, sync: false })
  return pino({
    name,
    level,
    base: { pid: process.pid },
    timestamp: pino.stdTimeFunctions.isoTime,
    redact: {
      paths: ['*.password', '*.token', '*.apikey', '*.secret', 'req.headers.apikey', 'headers.apikey'],
      censor: '[redacted]',
    },
  }, dest!)
}

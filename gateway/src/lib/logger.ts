/**
 * @module lib/logger
 * The pino root logger. Redaction is a second line of defence: secrets are never passed to it.
 */
import { pino, type Logger } from 'pino'

export function createLogger(level: string, name = 'gateway'): Logger {
  return pino({
    name,
    level,
    base: { pid: process.pid },
    timestamp: pino.stdTimeFunctions.isoTime,
    redact: {
      paths: ['*.password', '*.token', '*.apikey', '*.secret', 'req.headers.apikey', 'headers.apikey'],
      censor: '[redacted]',
    },
  })
}

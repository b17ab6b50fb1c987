/**
 * @module upstream/driver/baileys/session-options
 * What a BaileysSession is built with: its collaborators (database, logger, socket factory, owner
 * locks), the QR and reconnect settings, and timers/randomness injectable so tests are deterministic.
 */
import type { Logger } from 'pino'
import type { GuardRules } from '../../../../common/src/outbound-guard/index.js'
import type { Sql } from '../../db/client.js'
import type { MediaDownloadFn } from './chat-actions.js'
import type { OwnerLocks } from './owner-lock.js'
import type { SocketFactory } from './socket-factory.js'

/** Timer functions, injectable so backoff and liveness tests are deterministic. */
export type Timers = { set(fn: () => void, ms: number): unknown; clear(handle: unknown): void }

export const realTimers: Timers = {
  set: (fn, ms) => setTimeout(fn, ms).unref(),
  clear: (h) => clearTimeout(h as NodeJS.Timeout),
}

/** Baileys' own logger: a child of ours at warn, or quieter when ours is (tests run silent). */
export function baileysLogger(log: Logger): Logger {
  const warn = log.levels.values.warn!
  const own = log.levels.values[log.level] ?? Infinity
  return log.child({ component: 'baileys' }, { level: own > warn ? log.level : 'warn' })
}

export type SessionOptions = {
  sql: Sql
  log: Logger
  socketFactory: SocketFactory
  locks: OwnerLocks
  qrLimit: number
  qrColor: string
  reconnectMinMs: number
  reconnectMaxMs: number
  /** Liveness probe period while open; 0 = off. */
  livenessMs: number
  /** How long a probe may go unanswered before the socket counts as dead. */
  livenessTimeoutMs: number
  /**
   * A socket that shows neither a QR nor `open` nor a close within this long is dropped as a network
   * failure (0 = off). Guards the hangs Baileys does not time out itself.
   */
  connectTimeoutMs: number
  /** How long connect()/restart() wait for the first QR, open or close before answering (real time). */
  connectWaitMs: number
  timers: Timers
  random: () => number
  /** Downloads and decrypts a message's media (default: Baileys' downloadMediaMessage); tests script it. */
  mediaDownload?: MediaDownloadFn | undefined
  /** The outbound guard's rules the connection to an instance's proxy passes (lib/proxy-agent.ts); default: no exemptions. */
  proxyRules?: GuardRules | undefined
}

/**
 * @module upstream/driver/baileys/driver
 * The Baileys driver: one BaileysSession per instance, all sharing the owner-lock connection. The
 * socket factory is a constructor parameter (tests pass a scripted socket; production uses
 * makeWASocket), and so are the timers and randomness behind backoff and liveness.
 */
import type { WABrowserDescription } from '@whiskeysockets/baileys'
import type { Logger } from 'pino'
import { guardRules } from '../../../../common/src/outbound-guard/index.js'
import type { UpstreamConfig } from '../../config.js'
import type { Sql } from '../../db/client.js'
import type { DriverEvents, SessionInfo, WhatsAppDriver } from '../types.js'
import { OwnerLocks } from './owner-lock.js'
import { BaileysSession } from './session.js'
import { realTimers, type SessionOptions } from './session-options.js'
import { parseWaVersion, realSocketFactory, type RealSocketOptions, type SocketFactory } from './socket-factory.js'

export type BaileysDriverOptions = Omit<SessionOptions, 'socketFactory' | 'locks' | 'timers' | 'random' | 'livenessTimeoutMs' | 'connectWaitMs' | 'connectTimeoutMs'> & {
  /** What the default (real) socket factory connects with. */
  socket: RealSocketOptions
  timers?: SessionOptions['timers']
  random?: SessionOptions['random']
  /** Default: min(livenessMs, 20 s). */
  livenessTimeoutMs?: number
  /** Default 3 s (under the gateway reconnect worker's 5 s timeout): connect answers with the first QR when it comes that fast. */
  connectWaitMs?: number
  /** Default 90 s (Baileys' own handshake timeout is 20 s); 0 = off. */
  connectTimeoutMs?: number
}

/** The third element of the browser tuple: a fixed version-like string (Evolution sends the OS release). */
const BROWSER_VERSION = '10.0'

export class BaileysDriver implements WhatsAppDriver {
  readonly name = 'baileys'
  private readonly sessions = new Set<BaileysSession>()
  private readonly locks: OwnerLocks
  private readonly session: SessionOptions

  constructor(opts: BaileysDriverOptions, socketFactory: SocketFactory = realSocketFactory(opts.socket)) {
    this.locks = new OwnerLocks(opts.sql, opts.log)
    this.session = {
      ...opts,
      socketFactory,
      locks: this.locks,
      timers: opts.timers ?? realTimers,
      random: opts.random ?? Math.random,
      livenessTimeoutMs: opts.livenessTimeoutMs ?? Math.max(1, Math.min(opts.livenessMs, 20_000)),
      connectWaitMs: opts.connectWaitMs ?? 3000,
      connectTimeoutMs: opts.connectTimeoutMs ?? 90_000,
    }
  }

  static fromConfig(config: UpstreamConfig, ctx: { sql: Sql; log: Logger }): BaileysDriver {
    const browser: WABrowserDescription = [config.CONFIG_SESSION_PHONE_CLIENT, config.CONFIG_SESSION_PHONE_NAME, BROWSER_VERSION]
    return new BaileysDriver({
      sql: ctx.sql,
      log: ctx.log.child({ driver: 'baileys' }),
      qrLimit: config.QRCODE_LIMIT,
      qrColor: config.QRCODE_COLOR,
      reconnectMinMs: config.BAILEYS_RECONNECT_MIN_MS,
      reconnectMaxMs: Math.max(config.BAILEYS_RECONNECT_MIN_MS, config.BAILEYS_RECONNECT_MAX_MS),
      livenessMs: config.BAILEYS_LIVENESS_MS,
      socket: { browser, wsUrl: config.BAILEYS_WS_URL, version: parseWaVersion(config.CONFIG_SESSION_PHONE_VERSION) },
      proxyRules: guardRules({ allowIPv6: true, allowedHosts: config.OUTBOUND_ALLOWED_HOSTS, testResolve: config.OUTBOUND_TEST_RESOLVE }),
    })
  }

  open(info: SessionInfo, events: DriverEvents): BaileysSession {
    const s: BaileysSession = new BaileysSession(info, events, this.session, () => this.sessions.delete(s))
    this.sessions.add(s)
    return s
  }

  /** Ends every session (no events), then releases the owner locks and their connection. */
  async close(): Promise<void> {
    await Promise.allSettled([...this.sessions].map((s) => s.end()))
    await this.locks.close()
  }
}

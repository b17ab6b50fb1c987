/**
 * @module upstream/driver/baileys/reconnect-policy
 * What a Baileys close means and what to do about it (R10, docs/decisions.md#r10), and the
 * exponential backoff with jitter used for network trouble. Pure: the session applies the decision.
 */

export type CloseDecision = {
  /** `now`: reconnect at once (after creds are flushed); `backoff`: retry later; `stop`: stay closed. */
  action: 'now' | 'backoff' | 'stop'
  /** Delete creds and keys (the next connect shows a QR). */
  wipe: boolean
  /** Why, for the log. */
  note: string
}

/** Baileys' DisconnectReason numbers this policy names. */
export const Reason = {
  loggedOut: 401,
  forbidden: 403,
  staleVersion: 405,
  connectionLost: 408,
  connectionClosed: 428,
  connectionReplaced: 440,
  badSession: 500,
  unavailableService: 503,
  restartRequired: 515,
} as const

/**
 * `transport`: the WebSocket itself failed (refused, reset, an HTTP error answer from a proxy) before
 * WhatsApp said anything. Baileys turns such errors into codes like 500 or 401 too, but they say
 * nothing about the session: never wipe or stop on them, just back off.
 */
export function decideOnClose(code: number, transport = false): CloseDecision {
  if (transport) return { action: 'backoff', wipe: false, note: 'websocket error: reconnecting with backoff' }
  switch (code) {
    case Reason.restartRequired:
      return { action: 'now', wipe: false, note: 'restart required (normal after pairing)' }
    case Reason.loggedOut:
      return { action: 'stop', wipe: true, note: 'logged out from the phone: creds wiped, a new QR is needed' }
    case Reason.connectionReplaced:
      return { action: 'stop', wipe: false, note: 'connection replaced by another client: not fighting it' }
    case Reason.forbidden:
      return { action: 'stop', wipe: false, note: 'forbidden: the account is banned or blocked' }
    case Reason.badSession:
      return { action: 'stop', wipe: true, note: 'bad session: creds unusable and wiped' }
    case Reason.staleVersion:
      return { action: 'stop', wipe: false, note: 'WhatsApp refused the Web version: CONFIG_SESSION_PHONE_VERSION is stale, set a current one' }
    default:
      return { action: 'backoff', wipe: false, note: 'network trouble: reconnecting with backoff' }
  }
}

/** Exponential backoff between `minMs` and `maxMs` with +-20 % jitter; `reset()` on open. */
export class Backoff {
  private attempt = 0

  constructor(
    private readonly minMs: number,
    private readonly maxMs: number,
    private readonly random: () => number = Math.random,
  ) {}

  /** The delay before the next retry; each call doubles the base. */
  next(): number {
    const base = Math.min(this.maxMs, Math.max(1, this.minMs) * 2 ** this.attempt)
    this.attempt = Math.min(this.attempt + 1, 60)
    const jittered = Math.round(base * (0.8 + 0.4 * this.random()))
    return Math.min(this.maxMs, Math.max(this.minMs, jittered))
  }

  /** Retries scheduled since the last reset. */
  get attempts(): number {
    return this.attempt
  }

  reset(): void {
    this.attempt = 0
  }
}

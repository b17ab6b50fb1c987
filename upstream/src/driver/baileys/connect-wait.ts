/**
 * @module upstream/driver/baileys/connect-wait
 * connect() and restart() return once the new socket showed a QR, opened or closed, or after
 * connectWaitMs at most. This latch is that bounded wait, apart from the session's socket handling,
 * which only says `settle()` wherever one of those happened.
 */
import type { SessionOptions } from './session-options.js'

export class ConnectWait {
  private release: (() => void) | null = null

  constructor(private readonly opts: Pick<SessionOptions, 'connectWaitMs'>) {}

  /** A wait that ends on the next `settle()` or after connectWaitMs; none when connectWaitMs is 0. */
  start(): Promise<void> {
    if (this.opts.connectWaitMs <= 0) return Promise.resolve()
    return new Promise<void>((resolve) => {
      const t = setTimeout(() => this.release?.(), this.opts.connectWaitMs).unref()
      this.release = () => {
        clearTimeout(t)
        this.release = null
        resolve()
      }
    })
  }

  /** Ends the pending wait, if any. */
  settle(): void {
    this.release?.()
  }
}

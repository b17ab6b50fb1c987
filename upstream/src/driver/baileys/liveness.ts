/**
 * @module upstream/driver/baileys/liveness
 * The liveness probe of an open socket: an `iq ping` every period, each with a timeout; one that goes
 * unanswered means the socket is dead even though it never said so. A probe belongs to one socket
 * (`current()` false = that socket was dropped: the probe stops without a word).
 */
import { S_WHATSAPP_NET, type BinaryNode } from '@whiskeysockets/baileys'
import type { Logger } from 'pino'
import type { Timers } from './session-options.js'
import type { WaSocket } from './socket-factory.js'

const PING: BinaryNode = { tag: 'iq', attrs: { to: S_WHATSAPP_NET, type: 'get', xmlns: 'w:p' }, content: [{ tag: 'ping', attrs: {} }] }

export class LivenessProbe {
  private timer: unknown = null

  constructor(private readonly o: { timers: Timers; periodMs: number; timeoutMs: number; log: Logger }) {}

  /** Pings `sock` every periodMs (0 = off) while `current()`; calls `dead()` once a ping goes unanswered. */
  start(sock: WaSocket, current: () => boolean, dead: () => void): void {
    const { timers, periodMs, timeoutMs, log } = this.o
    if (periodMs <= 0) return
    this.timer = timers.set(() => {
      this.timer = null
      if (!current()) return
      let done = false
      const fail = (why: unknown) => {
        if (done) return
        done = true
        timers.clear(timeout)
        if (!current()) return
        log.warn({ err: why }, 'baileys liveness probe got no answer: treating the socket as dropped')
        dead()
      }
      const timeout = timers.set(() => fail(new Error('liveness probe timed out')), timeoutMs)
      sock.query(structuredClone(PING), timeoutMs).then(
        () => {
          if (done) return
          done = true
          timers.clear(timeout)
          if (current()) this.start(sock, current, dead)
        },
        fail,
      )
    }, periodMs)
  }

  /** Cancels the next ping (a ping in flight is ignored by its `current()` check). */
  stop(): void {
    if (this.timer !== null) this.o.timers.clear(this.timer)
    this.timer = null
  }
}

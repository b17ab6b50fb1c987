/**
 * @module upstream/driver/baileys/session
 * One instance's WhatsApp Web session: owns at most one Baileys socket at a time and turns its events
 * into the seam's DriverEvents. The state is the socket's real state (a liveness probe catches a dead
 * socket that never said so); closes follow reconnect-policy.ts. Every socket gets a generation
 * number: events of a socket we already dropped are ignored, so a late close never undoes a restart.
 * QR counting and pairing codes live in qr-pairing.ts, the bounded wait of connect() in connect-wait.ts,
 * what a socket is made with in socket-params.ts.
 */
import {
  generateMessageIDV2, makeCacheableSignalKeyStore, type ConnectionState as WaConnectionUpdate, type SignalKeyStore, type proto,
} from '@whiskeysockets/baileys'
import type { Logger } from 'pino'
import { wipeAuth } from '../../db/baileys-auth.js'
import { internal } from '../../lib/errors.js'
import { ConnectionClosedError } from '../errors.js'
import type { ConnectOptions, ConnectionState, DriverEvents, DriverSession, Identity, OutboundContent, QrCode, SessionInfo, WaMessage } from '../types.js'
import type { PgAuthState } from './auth-state.js'
import { Lru, lruCacheStore } from './caches.js'
import { baileysMediaDownload, BaileysChatActions } from './chat-actions.js'
import { toBaileysContent } from './content.js'
import { accountJid, sentMessage } from './events.js'
import { extraBaileysContent, extraSendOptions, isExtraContent } from './extra-content.js'
import { attachLabelListeners } from './label-listeners.js'
import { attachGroupListeners } from './group-listeners.js'
import { BaileysGroupActions } from './group-actions.js'
import { BaileysProfileActions } from './profile-actions.js'
import { QrPairing } from './qr-pairing.js'
import { LivenessProbe } from './liveness.js'
import { checkNumbers } from './number-check.js'
import { ConnectWait } from './connect-wait.js'
import { attachProtocolFixes } from './protocol-fixes.js'
import { Backoff, decideOnClose, Reason } from './reconnect-policy.js'
import { baileysLogger, type SessionOptions } from './session-options.js'
import type { WaSocket } from './socket-factory.js'
import { attachStoreListeners } from './store-listeners.js'
import { loadConnectInputs, socketParams } from './socket-params.js'
import { isClosedError, isTransportError, statusCodeOf } from './socket-errors.js'

/** Reason reported when another replica holds the instance's owner lock. */
const NOT_OWNER = Reason.connectionReplaced
const RECENT_SENT_MAX = 500

export class BaileysSession implements DriverSession {
  state: ConnectionState = 'close'
  qr: QrCode | null = null
  private sock: WaSocket | null = null
  /** The chat routes' calls on the current socket (chat-actions.ts). */
  readonly chat = new BaileysChatActions({
    socket: () => this.requireOpen(),
    call: (fn) => this.call(fn),
    download: () => this.opts.mediaDownload ?? baileysMediaDownload,
    log: () => this.baileysLog,
  })
  /** The group routes' calls on the current socket (group-actions.ts). */
  readonly groups = new BaileysGroupActions({ socket: () => this.requireOpen(), call: (fn) => this.call(fn) })
  /** The profile routes' calls and the account presence on the current socket (profile-actions.ts). */
  readonly profile = new BaileysProfileActions({ socket: () => this.requireOpen(), call: (fn) => this.call(fn) })
  /** Bumped whenever the current socket is dropped; handlers of older sockets check it. */
  private generation = 0
  private auth: PgAuthState | null = null
  private keys: SignalKeyStore | null = null
  /** QRs shown and the pairing code of the current connect attempt (qr-pairing.ts). */
  private readonly pairing: QrPairing
  private readonly backoff: Backoff
  private retryTimer: unknown = null
  private readonly liveness: LivenessProbe
  private watchdog: unknown = null
  private ended = false
  /** What connect() and restart() wait for (connect-wait.ts). */
  private readonly connectWait: ConnectWait
  private readonly recent = new Lru<proto.IMessage>(RECENT_SENT_MAX)
  /** Ids of our API's sends: Baileys echoes each as a messages.upsert `append`, which the send flow already stored. */
  private readonly ownSends = new Lru<true>(RECENT_SENT_MAX)
  private readonly retryCounter = lruCacheStore(1000)
  private readonly log: Logger
  private readonly baileysLog: Logger

  constructor(
    private readonly info: SessionInfo,
    private readonly events: DriverEvents,
    private readonly opts: SessionOptions,
    private readonly onEnd: () => void,
  ) {
    this.log = opts.log.child({ instance: info.name })
    this.baileysLog = baileysLogger(this.log)
    this.backoff = new Backoff(opts.reconnectMinMs, opts.reconnectMaxMs, opts.random)
    this.pairing = new QrPairing(opts, this.log)
    this.connectWait = new ConnectWait(opts)
    this.liveness = new LivenessProbe({ timers: opts.timers, periodMs: opts.livenessMs, timeoutMs: opts.livenessTimeoutMs, log: this.log })
  }

  /** A backoff retry is scheduled (the state is `close` meanwhile). */
  get retryScheduled(): boolean {
    return this.retryTimer !== null
  }

  async connect(opts: ConnectOptions = {}): Promise<void> {
    if (this.ended || this.state !== 'close') return
    this.cancelRetry()
    this.state = 'connecting'
    this.pairing.begin(opts.number)
    const owner = await this.opts.locks.acquire(this.info.id).catch((err: unknown) => {
      this.log.error({ err }, 'taking the instance owner lock failed: not connecting')
      return null
    })
    if (owner !== true) {
      if (owner === false) this.log.warn('another upstream replica owns this instance (advisory lock held): not connecting')
      this.state = 'close'
      this.events.state({ state: 'close', statusReason: owner === false ? NOT_OWNER : Reason.connectionClosed })
      return
    }
    this.events.state({ state: 'connecting', statusReason: 200 })
    await this.startAndWait()
  }

  async restart(): Promise<void> {
    if (this.ended) return
    this.cancelRetry()
    this.dropSocket()
    this.qr = null
    this.pairing.reset()
    this.state = 'connecting'
    this.events.state({ state: 'connecting', statusReason: 200 })
    await this.startAndWait()
  }

  async logout(): Promise<void> {
    this.cancelRetry()
    const sock = this.sock
    this.dropSocket({ end: false })
    if (sock) {
      try {
        await sock.logout() // tells WhatsApp to remove the companion device, then ends the socket
      } catch (err) {
        this.log.warn({ err }, 'baileys logout request failed; wiping local creds anyway')
        void Promise.resolve(sock.end(undefined)).catch(() => undefined)
      }
    }
    await this.wipe()
    this.qr = null
    this.state = 'close'
    await this.opts.locks.release(this.info.id)
    this.events.state({ state: 'close', statusReason: Reason.loggedOut })
  }

  async end(): Promise<void> {
    this.ended = true
    this.cancelRetry()
    this.dropSocket()
    this.qr = null
    this.state = 'close'
    this.connectWait.settle()
    await this.opts.locks.release(this.info.id).catch((err: unknown) => this.log.warn({ err }, 'owner lock release failed'))
    this.onEnd()
  }

  async checkNumbers(jids: string[]): Promise<{ jid: string; exists: boolean }[]> {
    const sock = this.requireOpen()
    return checkNumbers(jids, (phones) => this.call(() => sock.onWhatsApp(...phones)))
  }

  async send(jid: string, content: OutboundContent): Promise<WaMessage> {
    const payload = isExtraContent(content) ? extraBaileysContent(content) : toBaileysContent(content)
    const sock = this.requireOpen()
    // The id is chosen here so the echo is recognised even when it arrives before sendMessage returns.
    const messageId = generateMessageIDV2(sock.user?.id)
    this.ownSends.set(messageId, true)
    const sent = await this.call(() => sock.sendMessage(jid, payload, { messageId, ...extraSendOptions(content) }))
    if (!sent) throw internal('WhatsApp returned no message for the send')
    if (sent.key.id) this.ownSends.set(sent.key.id, true)
    if (sent.key.id && sent.message) this.recent.set(sent.key.id, sent.message)
    return sentMessage(sent, jid)
  }

  async handleLabel(jid: string, labelId: string, action: 'add' | 'remove'): Promise<void> {
    const sock = this.requireOpen()
    await this.call(() => (action === 'add' ? sock.addChatLabel(jid, labelId) : sock.removeChatLabel(jid, labelId)))
  }

  private requireOpen(): WaSocket {
    if (this.state !== 'open' || !this.sock) throw new ConnectionClosedError()
    return this.sock
  }

  /** Runs a socket call; Baileys' "Connection Closed" becomes the seam's ConnectionClosedError. */
  private async call<T>(fn: () => Promise<T>): Promise<T> {
    try {
      return await fn()
    } catch (err) {
      if (isClosedError(err)) throw new ConnectionClosedError()
      throw err
    }
  }

  /** Opens a socket and waits (bounded) until it showed a QR, opened or closed. */
  private async startAndWait(): Promise<void> {
    const settled = this.connectWait.start()
    await this.openSocket()
    await settled
  }

  private async openSocket(): Promise<void> {
    const gen = ++this.generation
    let inputs: Awaited<ReturnType<typeof loadConnectInputs>>
    try {
      inputs = await loadConnectInputs(this.opts.sql, this.info.id, this.auth, this.log)
      this.auth = inputs.auth
    } catch (err) {
      this.log.error({ err }, 'loading baileys auth state or proxy failed')
      if (gen === this.generation && !this.ended) await this.handleClose(Reason.connectionClosed)
      return
    }
    if (gen !== this.generation || this.ended) return
    this.keys ??= makeCacheableSignalKeyStore(inputs.auth.keys, this.baileysLog)
    let sock: WaSocket
    try {
      sock = this.opts.socketFactory(socketParams({
        auth: inputs.auth,
        keys: this.keys,
        logger: this.baileysLog,
        recent: (id) => this.recent.get(id),
        retryCounter: this.retryCounter,
        proxy: inputs.proxy,
        proxyRules: this.opts.proxyRules,
      }))
    } catch (err) {
      this.log.error({ err }, 'creating the baileys socket failed')
      await this.handleClose(Reason.connectionClosed)
      return
    }
    this.sock = sock
    this.attach(sock, gen)
    if (this.opts.connectTimeoutMs > 0) {
      this.watchdog = this.opts.timers.set(() => {
        this.watchdog = null
        this.log.warn({ ms: this.opts.connectTimeoutMs }, 'baileys socket neither showed a QR nor opened in time: dropping it')
        void this.socketClosed(gen, Reason.connectionLost, true)
      }, this.opts.connectTimeoutMs)
    }
  }

  private clearWatchdog(): void {
    if (this.watchdog !== null) this.opts.timers.clear(this.watchdog)
    this.watchdog = null
  }

  private attach(sock: WaSocket, gen: number): void {
    const live = () => gen === this.generation && this.sock === sock
    sock.ev.on('connection.update', (u) => {
      if (live()) void this.onConnectionUpdate(sock, gen, u).catch((err: unknown) => this.log.error({ err }, 'connection.update failed'))
    })
    sock.ev.on('creds.update', (update) => {
      if (!live() || !this.auth) return
      Object.assign(this.auth.creds, update) // the real socket already did; a scripted one relies on this
      this.auth.saveCreds().catch(() => undefined) // failures are logged by the store
    })
    attachStoreListeners(sock, live, this.events, (id) => this.ownSends.get(id) === true)
    attachLabelListeners(sock, live, this.events)
    attachGroupListeners(sock, live, this.events)
    attachProtocolFixes(sock, live, this.log, (code) => void this.socketClosed(gen, code, true))
  }

  private async onConnectionUpdate(sock: WaSocket, gen: number, u: Partial<WaConnectionUpdate>): Promise<void> {
    if (u.qr) await this.onQr(sock, gen, u.qr)
    if (u.connection === 'open') this.onOpen(sock, gen)
    else if (u.connection === 'close') {
      const err = u.lastDisconnect?.error
      await this.socketClosed(gen, statusCodeOf(err), isTransportError(err))
    }
  }

  private async onQr(sock: WaSocket, gen: number, code: string): Promise<void> {
    if (this.state !== 'connecting') return
    this.clearWatchdog()
    if (this.pairing.exhausted) return this.refuse()
    // A QR means the socket works: a later close during pairing starts backing off from the minimum.
    this.backoff.reset()
    const { base64, count } = await this.pairing.next(sock, code)
    if (gen !== this.generation || this.state !== 'connecting') return
    this.qr = { pairingCode: this.pairing.pairingCode, code, base64, count }
    this.events.qr(this.qr)
    this.connectWait.settle()
  }

  private refuse(): void {
    this.log.info({ limit: this.opts.qrLimit }, 'QR limit reached unscanned: refused')
    this.dropSocket()
    this.qr = null
    this.state = 'close'
    void this.opts.locks.release(this.info.id).catch(() => undefined)
    this.events.state({ state: 'refused', statusReason: Reason.connectionClosed })
    this.connectWait.settle()
  }

  private onOpen(sock: WaSocket, gen: number): void {
    const user = sock.user ?? this.auth?.creds.me
    const wuid = accountJid(user?.id ?? '')
    const identity: Identity = { wuid, profileName: user?.name ?? user?.notify ?? user?.verifiedName ?? null, profilePictureUrl: null }
    this.clearWatchdog()
    this.backoff.reset()
    this.qr = null
    this.state = 'open'
    // instances.session says "paired" (what fetchInstances and boot look at); the keys live in baileys_auth.
    this.events.creds({ paired: true, wuid })
    this.events.state({ state: 'open', statusReason: 200, identity })
    this.liveness.start(sock, () => gen === this.generation, () => void this.socketClosed(gen, Reason.connectionLost))
    this.connectWait.settle()
  }

  /** The current socket closed (by itself, or a probe found it dead). Stale sockets are ignored. */
  private async socketClosed(gen: number, code: number, transport = false): Promise<void> {
    if (gen !== this.generation || this.ended) return
    this.dropSocket()
    await this.handleClose(code, transport)
  }

  private async handleClose(code: number, transport = false): Promise<void> {
    const d = decideOnClose(code, transport)
    const gen = this.generation
    const wasOpen = this.state === 'open'
    const log = { code, note: d.note }
    if (d.action === 'now') {
      this.log.info(log, 'baileys restart')
      // Pairing just wrote new creds: the next socket must log in with them, not with the old ones.
      await this.auth?.flushed()
      if (gen !== this.generation || this.ended) return
      if (wasOpen) {
        this.qr = null
        this.state = 'connecting'
        this.events.state({ state: 'connecting', statusReason: 200 })
      }
      await this.openSocket()
      return
    }
    if (d.wipe) await this.wipe()
    if (gen !== this.generation || this.ended) return
    if (d.action === 'stop') {
      if (code === Reason.staleVersion) this.log.error(log, 'baileys connection refused: stale WhatsApp Web version')
      else this.log.warn(log, 'baileys connection closed for good')
      this.qr = null
      this.state = 'close'
      this.events.state({ state: 'close', statusReason: code })
      this.connectWait.settle()
      await this.opts.locks.release(this.info.id).catch(() => undefined)
      return
    }
    const delay = this.backoff.next()
    this.retryTimer = this.opts.timers.set(() => {
      this.retryTimer = null
      void this.retry().catch((err: unknown) => this.log.error({ err }, 'baileys reconnect failed'))
    }, delay)
    if (this.state === 'connecting' && this.pairing.started) {
      // A QR socket expired (its refs ran out): keep showing `connecting`; QRCODE_LIMIT bounds the loop.
      this.log.info({ ...log, delay }, 'baileys QR socket closed; reconnecting for a fresh QR')
      return
    }
    this.log.warn({ ...log, delay, attempt: this.backoff.attempts }, 'baileys connection lost; reconnecting with backoff')
    this.qr = null
    this.state = 'close'
    this.events.state({ state: 'close', statusReason: code })
    this.connectWait.settle()
  }

  private async retry(): Promise<void> {
    if (this.ended || this.sock) return
    if (this.state === 'close') {
      this.state = 'connecting'
      this.events.state({ state: 'connecting', statusReason: 200 })
    }
    await this.openSocket()
  }

  private async wipe(): Promise<void> {
    if (this.auth) await this.auth.wipe()
    else await wipeAuth(this.opts.sql, this.info.id)
    this.keys = null // the cacheable store would still answer the old keys
    this.recent.clear()
    this.events.creds(null)
  }

  /** Forgets the current socket (its late events are ignored) and ends it unless told not to. */
  private dropSocket(o: { end?: boolean } = {}): void {
    this.generation += 1
    this.clearWatchdog()
    this.liveness.stop()
    const sock = this.sock
    this.sock = null
    if (sock && o.end !== false) {
      try {
        void Promise.resolve(sock.end(undefined)).catch(() => undefined)
      } catch {
        /* already ended */
      }
    }
  }

  private cancelRetry(): void {
    if (this.retryTimer !== null) this.opts.timers.clear(this.retryTimer)
    this.retryTimer = null
  }
}

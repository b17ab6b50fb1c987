/**
 * @module upstream/driver/sandbox
 * Deterministic WhatsApp stand-in. connect shows a real QR PNG and waits in `connecting` until the
 * sandbox scan route (or SANDBOX_AUTOCONNECT_MS) "scans" it; then `open`. Sends succeed while open
 * and acks SERVER_ACK -> DELIVERY_ACK -> READ follow every SANDBOX_ACK_DELAY_MS. Number existence
 * follows lib/jid.ts `sandboxNumberExists`. Stored creds (`{paired, wuid}`) skip the QR, as Baileys does.
 * The control routes also simulate received messages and a history sync (sandbox-history.ts).
 */
import { createHash } from 'node:crypto'
import { newMessageId, newPairingCode } from '../lib/ids.js'
import { createJid, jidUser, sandboxNumberExists } from '../lib/jid.js'
import { ConnectionClosedError } from './errors.js'
import { newQrString, renderQr } from './qr.js'
import { SandboxChatActions } from './sandbox-chat-actions.js'
import { SandboxGroups, type SandboxGroupState } from './sandbox-groups.js'
import { SANDBOX_DEFAULT_ABOUT, SANDBOX_DEFAULT_PRIVACY, SandboxProfile, type SandboxProfileData } from './sandbox-profile.js'
import { buildMessage } from './sandbox-content.js'
import { sandboxHistory, type HistoryOptions } from './sandbox-history.js'
import { SANDBOX_LABELS } from './sandbox-labels.js'
import type {
  ConnectOptions, ConnectionState, DriverEvents, DriverSession, Identity, OutboundContent, QrCode, SessionInfo, WaMessage, WhatsAppDriver,
} from './types.js'

export type SandboxOptions = {
  autoconnectMs: number
  /** -1 = no automatic acks. */
  ackDelayMs: number
  /** True while automatic acks are held (the sandbox's `holdAcks` fault). */
  acksHeld?: () => boolean
  qrRotateMs: number
  qrLimit: number
  qrColor: string
}

/** `profile`: the account's about text, picture and privacy once changed (sandbox-profile.ts). */
type Creds = { paired: true; wuid: string; profileName: string; profile?: Omit<SandboxProfileData, 'name'> }

const ACK_CHAIN = ['SERVER_ACK', 'DELIVERY_ACK', 'READ'] as const

function parseCreds(raw: unknown): Creds | null {
  if (raw && typeof raw === 'object' && (raw as Creds).paired === true && typeof (raw as Creds).wuid === 'string') return raw as Creds
  return null
}

export class SandboxSession implements DriverSession {
  state: ConnectionState = 'close'
  qr: QrCode | null = null
  readonly mediaLinks = 'download-if-reachable'
  readonly chat = new SandboxChatActions(() => this.requireOpen(), (ev) => this.events.presence(ev))
  readonly groups: SandboxGroups
  readonly profile: SandboxProfile
  private creds: Creds | null
  private pairingNumber: string | null = null
  private qrCount = 0
  private readonly timers = new Set<NodeJS.Timeout>()
  private phaseTimers = new Set<NodeJS.Timeout>()
  /** Set by the sandbox nack route: the next send is refused by "WhatsApp" with this code instead of acked. */
  private nextNack: { code: number; message: string } | null = null

  constructor(
    private readonly info: SessionInfo,
    private readonly events: DriverEvents,
    private readonly opts: SandboxOptions,
    private readonly onEnd: () => void,
    groupState: SandboxGroupState = { groups: new Map(), created: 0 },
  ) {
    this.creds = parseCreds(info.session)
    this.groups = new SandboxGroups(groupState, { requireOpen: () => this.requireOpen(), self: () => this.creds?.wuid ?? '', instance: info.name, events })
    this.profile = new SandboxProfile({
      requireOpen: () => this.requireOpen(),
      self: () => this.creds?.wuid ?? '',
      read: () => ({ about: SANDBOX_DEFAULT_ABOUT, picture: null, privacy: SANDBOX_DEFAULT_PRIVACY, ...this.creds?.profile, name: this.creds?.profileName ?? '' }),
      write: ({ name, ...profile }) => {
        // Open means paired: creds are set. They are the sandbox's stored state, like a phone's.
        this.creds = { ...this.creds!, profileName: name, profile }
        this.events.creds(this.creds)
      },
    })
  }

  get name(): string {
    return this.info.name
  }

  async connect(opts: ConnectOptions = {}): Promise<void> {
    if (this.state !== 'close') return
    this.setState('connecting')
    if (this.creds) return this.open()
    this.pairingNumber = opts.number ? opts.number.replace(/\D/g, '') || null : null
    this.qrCount = 0
    await this.nextQr()
    if (this.opts.autoconnectMs > 0 && (this.state as ConnectionState) === 'connecting') {
      this.phase(this.opts.autoconnectMs, () => this.scan())
    }
  }

  async restart(): Promise<void> {
    // The old socket ends; Baileys' reconnect is silent until the new socket reports `connecting`.
    this.clearPhase()
    this.qr = null
    this.state = 'close'
    await this.connect({ number: this.pairingNumber ?? undefined })
  }

  async logout(): Promise<void> {
    this.clearPhase()
    this.creds = null
    this.qr = null
    this.events.creds(null)
    this.state = 'close'
    this.events.state({ state: 'close', statusReason: 401 })
  }

  async end(): Promise<void> {
    for (const t of this.timers) clearTimeout(t)
    this.timers.clear()
    this.phaseTimers.clear()
    this.state = 'close'
    this.qr = null
    this.onEnd()
  }

  async checkNumbers(jids: string[]): Promise<{ jid: string; exists: boolean }[]> {
    this.requireOpen()
    return jids.map((jid) => ({ jid, exists: sandboxNumberExists(jid) }))
  }

  async send(jid: string, content: OutboundContent): Promise<WaMessage> {
    this.requireOpen()
    const { message, messageType } = buildMessage(content)
    const msg: WaMessage = {
      key: { remoteJid: jid, fromMe: true, id: newMessageId() },
      pushName: 'Você',
      message,
      messageType,
      messageTimestamp: Math.floor(Date.now() / 1000),
      status: 'PENDING',
    }
    const nack = this.nextNack
    this.nextNack = null
    if (nack) this.later(Math.max(this.opts.ackDelayMs, 50), () => this.events.ack({ keyId: msg.key.id, remoteJid: jid, status: 'ERROR', error: nack }))
    else this.scheduleAcks(msg.key.id, jid)
    return msg
  }

  /** Sandbox control: the next message sent is nacked with `code` (as Baileys reports WhatsApp's error ack). */
  armNack(code: number, message: string): void {
    this.nextNack = { code, message }
  }

  /** Sandbox control: the phone scanned the QR (or a paired phone came back). Goes `open`. */
  scan(): void {
    if (this.state === 'open') return
    if (this.state === 'close') this.setState('connecting')
    if (!this.creds) {
      this.creds = { paired: true, wuid: this.deriveWuid(), profileName: `Sandbox ${this.info.name}` }
      this.events.creds(this.creds)
    }
    this.open()
  }

  /** Sandbox control: the connection dropped (default reason 428 connectionClosed); creds are kept. */
  drop(statusReason = 428): void {
    if (this.state === 'close') return
    this.clearPhase()
    this.qr = null
    this.state = 'close'
    this.events.state({ state: 'close', statusReason })
  }

  /** Simulated: the route stores the chat's new labels (services/labels.ts), as after a Baileys call. */
  async handleLabel(): Promise<void> {
    this.requireOpen()
  }

  /** Sandbox control: a contact wrote in. */
  inbound(number: string, text: string): WaMessage {
    this.requireOpen()
    const jid = createJid(number)
    const msg: WaMessage = {
      key: { remoteJid: jid, fromMe: false, id: newMessageId() },
      pushName: `Contact ${jidUser(jid)}`,
      message: { conversation: text },
      messageType: 'conversation',
      messageTimestamp: Math.floor(Date.now() / 1000),
      status: 'DELIVERY_ACK',
    }
    this.events.inbound(msg)
    return msg
  }

  /** Sandbox control: the phone synced its history (sandbox-history.ts); answers what was generated. */
  history(opts: HistoryOptions): { chats: number; contacts: number; messages: number } {
    this.requireOpen()
    const batch = sandboxHistory(this.info.name, opts)
    this.events.history(batch)
    return { chats: batch.chats.length, contacts: batch.contacts.length, messages: batch.messages.length }
  }

  private requireOpen(): void {
    if (this.state !== 'open') throw new ConnectionClosedError()
  }

  private identity(): Identity {
    return { wuid: this.creds!.wuid, profileName: this.creds!.profileName, profilePictureUrl: this.creds!.profile?.picture ?? null }
  }

  private open(): void {
    this.clearPhase()
    this.qr = null
    this.state = 'open'
    this.events.state({ state: 'open', statusReason: 200, identity: this.identity() })
    this.events.labels({ type: 'edit', labels: [...SANDBOX_LABELS] })
  }

  private setState(state: 'connecting'): void {
    this.state = state
    this.events.state({ state, statusReason: 200 })
  }

  /** Emits the next QR, or refuses once QRCODE_LIMIT rotations went unscanned. */
  private async nextQr(): Promise<void> {
    if (this.state !== 'connecting' || this.creds) return
    if (this.qrCount >= this.opts.qrLimit) {
      this.clearPhase()
      this.qr = null
      this.state = 'close'
      this.events.state({ state: 'refused', statusReason: 428 })
      return
    }
    const code = newQrString()
    const base64 = await renderQr(code, this.opts.qrColor)
    if (this.state !== 'connecting') return // scanned or dropped while rendering
    this.qrCount += 1
    this.qr = { pairingCode: this.pairingNumber ? newPairingCode() : null, code, base64, count: this.qrCount }
    this.events.qr(this.qr)
    if (this.opts.qrRotateMs > 0) this.phase(this.opts.qrRotateMs, () => void this.nextQr())
  }

  private deriveWuid(): string {
    const digits = this.pairingNumber ?? this.info.number?.replace(/\D/g, '') ?? ''
    if (digits.length >= 8) return `${digits}@s.whatsapp.net`
    // Deterministic per instance name, so the same sandbox instance always "is" the same phone.
    const n = BigInt(`0x${createHash('sha256').update(this.info.name).digest('hex').slice(0, 12)}`) % 100_000_000n
    return `5959${n.toString().padStart(8, '0')}@s.whatsapp.net`
  }

  private scheduleAcks(keyId: string, remoteJid: string): void {
    if (this.opts.ackDelayMs < 0 || this.opts.acksHeld?.()) return
    ACK_CHAIN.forEach((status, i) => {
      this.later(this.opts.ackDelayMs * (i + 1), () => {
        // No receipts reach a closed socket; the message keeps its last status.
        if (this.state === 'open') this.events.ack({ keyId, remoteJid, status })
      })
    })
  }

  private later(ms: number, fn: () => void): NodeJS.Timeout {
    const t = setTimeout(() => {
      this.timers.delete(t)
      this.phaseTimers.delete(t)
      fn()
    }, ms)
    t.unref()
    this.timers.add(t)
    return t
  }

  /** A timer tied to the current connection phase (QR rotation, autoconnect): cleared on any transition. */
  private phase(ms: number, fn: () => void): void {
    this.phaseTimers.add(this.later(ms, fn))
  }

  private clearPhase(): void {
    for (const t of this.phaseTimers) {
      clearTimeout(t)
      this.timers.delete(t)
    }
    this.phaseTimers.clear()
  }
}

/** The sandbox driver: one SandboxSession per instance. */
export class SandboxDriver implements WhatsAppDriver {
  readonly name = 'sandbox'
  private readonly sessions = new Set<SandboxSession>()
  /** Each instance's simulated groups, kept across its sessions (restarts), by instance id. */
  private readonly groupStates = new Map<string, SandboxGroupState>()

  constructor(private readonly opts: SandboxOptions) {}

  open(info: SessionInfo, events: DriverEvents): SandboxSession {
    let groups = this.groupStates.get(info.id)
    if (!groups) this.groupStates.set(info.id, (groups = { groups: new Map(), created: 0 }))
    const s: SandboxSession = new SandboxSession(info, events, this.opts, () => this.sessions.delete(s), groups)
    this.sessions.add(s)
    return s
  }

  async close(): Promise<void> {
    await Promise.all([...this.sessions].map((s) => s.end()))
  }
}

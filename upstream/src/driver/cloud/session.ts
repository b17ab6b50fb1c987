/**
 * @module upstream/driver/cloud/session
 * One WHATSAPP-BUSINESS instance on the Cloud API. There is no socket: `open` means the instance's
 * token (SessionInfo.token, the Meta access token) may use its phone number id (SessionInfo.number),
 * checked with `GET /{phone_number_id}`. Sends are one Graph call each; acks and inbound messages
 * arrive later through POST /webhook/meta, which the driver hands to `deliver`.
 */
import { ConnectionClosedError, notAvailable } from '../errors.js'
import { EvoError } from '../../lib/errors.js'
import type { ConnectionState, DriverEvents, DriverSession, OutboundContent, SessionInfo, WaMessage } from '../types.js'
import { CloudChatActions } from './chat-actions.js'
import { CloudProfileActions } from './profile-actions.js'
import { toGraphMessage } from './content.js'
import type { GraphClient } from './graph-client.js'
import type { RoutedChange } from './webhook.js'

const WELL_FORMED = /^\d{8,15}$/

export class CloudSession implements DriverSession {
  state: ConnectionState = 'close'
  readonly qr = null
  readonly mediaLinks = 'forward'
  /** Read receipts and media downloads; the other chat routes are not offered by the Cloud API (chat-actions.ts). */
  readonly chat: CloudChatActions
  /** The business profile (read; `about` written); the other profile routes are not offered (profile-actions.ts). */
  readonly profile: CloudProfileActions
  /** The number's JID, from Meta's display number once open. */
  private wuid = ''

  constructor(
    private readonly info: SessionInfo,
    private readonly events: DriverEvents,
    private readonly graph: GraphClient,
    private readonly onEnd: () => void,
  ) {
    const account = () => {
      this.requireOpen()
      return { phoneNumberId: this.info.number!, token: this.info.token }
    }
    this.chat = new CloudChatActions({ graph, account })
    this.profile = new CloudProfileActions({ graph, account, self: () => this.wuid })
  }

  /** The phone number id this session answers for (webhooks are routed by it). */
  get phoneNumberId(): string {
    return this.info.number ?? ''
  }

  /**
   * Checks the token against the phone number id: 200 -> open (wuid from display_phone_number,
   * profileName verified_name). A Meta error (190 bad token, 100 unknown id) or no answer -> close,
   * and the error is thrown so GET /instance/connect shows it. A second connect while one is under way
   * (the create's, and placement resuming the new instance) waits for it and shares its outcome.
   */
  connect(): Promise<void> {
    if (this.state === 'connecting' && this.connecting) return this.connecting
    if (this.state !== 'close') return Promise.resolve()
    this.connecting = this.checkToken().finally(() => {
      this.connecting = null
    })
    return this.connecting
  }

  private connecting: Promise<void> | null = null

  private async checkToken(): Promise<void> {
    this.setState('connecting', 200)
    if (!this.info.number || !this.info.token) {
      this.setState('close', 401)
      throw new EvoError(400, ['A WHATSAPP-BUSINESS instance needs "number" (the phone number id) and "token" (the Meta access token)'])
    }
    try {
      const phone = await this.graph.getPhoneNumber(this.info.number, this.info.token)
      if ((this.state as ConnectionState) !== 'connecting') return // ended or logged out meanwhile
      const digits = (phone.display_phone_number ?? '').replace(/\D/g, '') || this.info.number
      this.state = 'open'
      this.wuid = `${digits}@s.whatsapp.net`
      this.events.state({
        state: 'open',
        statusReason: 200,
        identity: { wuid: this.wuid, profileName: phone.verified_name ?? null, profilePictureUrl: null },
      })
    } catch (err) {
      const meta = err instanceof EvoError ? (err.responseExtra.metaError as { code?: number } | undefined) : undefined
      // 190 and 401 mean the token is refused (Baileys' loggedOut); anything else is a connection failure.
      this.setState('close', meta?.code === 190 ? 401 : meta ? 400 : 503)
      throw err
    }
  }

  async restart(): Promise<void> {
    this.state = 'close'
    await this.connect()
  }

  /** No remote call: a Cloud API number stays registered at Meta; the instance just stops using it. */
  async logout(): Promise<void> {
    this.setState('close', 401)
  }

  async end(): Promise<void> {
    this.state = 'close'
    this.onEnd()
  }

  /** The Cloud API has no "is this number on WhatsApp" call: every well-formed number exists. */
  async checkNumbers(jids: string[]): Promise<{ jid: string; exists: boolean }[]> {
    this.requireOpen()
    return jids.map((jid) => ({ jid, exists: jid.endsWith('@s.whatsapp.net') && WELL_FORMED.test(jid.split('@')[0]!) }))
  }

  async send(jid: string, content: OutboundContent): Promise<WaMessage> {
    this.requireOpen()
    // Before the recipient check: a status goes to status@broadcast, which would be refused for the wrong reason.
    if (content.kind === 'status' || content.kind === 'ptv') throw notAvailable()
    if (!jid.endsWith('@s.whatsapp.net')) throw new EvoError(400, [`The WhatsApp Cloud API sends only to phone numbers, not to "${jid}"`])
    const id = this.info.number!
    const token = this.info.token
    const built = await toGraphMessage(jid, content, (bytes, mimetype, fileName) => this.graph.uploadMedia(id, token, bytes, mimetype, fileName))
    const answer = await this.graph.sendMessage(id, token, built.body)
    const wamid = answer.messages?.[0]?.id
    if (!wamid) throw new EvoError(500, 'WhatsApp Cloud API accepted the message without a message id')
    return {
      key: { remoteJid: jid, fromMe: true, id: wamid },
      pushName: '',
      message: built.message,
      messageType: built.messageType,
      messageTimestamp: Math.floor(Date.now() / 1000),
      status: 'PENDING',
    }
  }

  /** Hands one webhook change (already routed to this phone number id) to the service. */
  deliver(change: RoutedChange): void {
    for (const ack of change.acks) this.events.ack(ack)
    for (const msg of change.inbound) this.events.inbound(msg)
  }

  private requireOpen(): void {
    if (this.state !== 'open') throw new ConnectionClosedError()
  }

  private setState(state: 'connecting' | 'close', statusReason: number): void {
    this.state = state
    this.events.state({ state, statusReason })
  }
}

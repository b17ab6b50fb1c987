/**
 * @module upstream/driver/sandbox-chat-actions
 * The sandbox's chat actions: each needs an open session (else Connection Closed, as a real socket) and
 * answers deterministically. Reads, archive, unread marks, presence and blocks only succeed (the service
 * records them in the chat store); revokes and edits answer the protocol message Baileys would have sent;
 * a media download answers the bytes the history generator gave the message (sandboxMediaBytes), so a
 * test can compare them; profile pictures exist for every number that exists (lib/jid.ts rule).
 */
import { badRequest } from '../lib/errors.js'
import { newMessageId } from '../lib/ids.js'
import { jidUser, sandboxNumberExists } from '../lib/jid.js'
import type { ChatActions, MediaMessage, ProtocolSend } from './chat-actions.js'
import { sandboxMediaBytes } from './sandbox-history.js'
import type { MessageKey, PresenceEvent } from './types.js'

const MEDIA = /^(image|video|audio|document|sticker|ptv)Message$/

export class SandboxChatActions implements ChatActions {
  /** `requireOpen` throws ConnectionClosedError unless the session is open. */
  constructor(
    private readonly requireOpen: () => void,
    /** Reports a subscribed contact's presence, as WhatsApp does after a subscription. */
    private readonly onPresence: (ev: PresenceEvent) => void = () => undefined,
  ) {}

  async readMessages(): Promise<void> {
    this.requireOpen()
  }

  async archiveChat(): Promise<void> {
    this.requireOpen()
  }

  async markChatUnread(): Promise<void> {
    this.requireOpen()
  }

  async deleteForEveryone(key: MessageKey): Promise<ProtocolSend> {
    this.requireOpen()
    return this.protocol(key.remoteJid, { key: wireKey(key), type: 'REVOKE' })
  }

  async editMessage(jid: string, key: MessageKey, text: string): Promise<ProtocolSend> {
    this.requireOpen()
    return this.protocol(jid, { key: wireKey(key), type: 'MESSAGE_EDIT', editedMessage: { conversation: text }, timestampMs: String(Date.now()) })
  }

  async downloadMedia(msg: MediaMessage, maxBytes: number): Promise<Buffer> {
    this.requireOpen()
    const type = MEDIA.exec(msg.messageType)?.[1]
    if (!type) throw badRequest('The message is not of the media type')
    const bytes = sandboxMediaBytes(msg.key.id, type)
    if (bytes.length > maxBytes) throw badRequest(`media is larger than ${maxBytes} bytes`)
    return bytes
  }

  async profilePictureUrl(jid: string): Promise<string | null> {
    this.requireOpen()
    return sandboxNumberExists(jid) ? `https://pps.whatsapp.net/sandbox/${jidUser(jid)}.jpg` : null
  }

  /** Subscribing to a number that exists makes it report itself `available` (deterministic). */
  async presenceSubscribe(jid: string): Promise<void> {
    this.requireOpen()
    if (sandboxNumberExists(jid)) this.onPresence({ id: jid, presences: { [jid]: { lastKnownPresence: 'available' } } })
  }

  async sendPresenceUpdate(): Promise<void> {
    this.requireOpen()
  }

  async updateBlockStatus(): Promise<void> {
    this.requireOpen()
  }

  private protocol(jid: string, protocolMessage: Record<string, unknown>): ProtocolSend {
    return {
      key: { remoteJid: jid, fromMe: true, id: newMessageId() },
      message: { protocolMessage },
      messageTimestamp: String(Math.floor(Date.now() / 1000)),
      status: 'PENDING',
    }
  }
}

/** The key as WhatsApp carries it inside a protocol message (participant only in groups). */
export function wireKey(key: MessageKey): Record<string, unknown> {
  return { remoteJid: key.remoteJid, fromMe: key.fromMe, id: key.id, ...(key.participant ? { participant: key.participant } : {}) }
}

/**
 * @module upstream/driver/baileys/socket-factory
 * The part of a Baileys socket the driver uses (so tests can script one) and the real factory around
 * `makeWASocket`. Never calls fetchLatestBaileysVersion: start-up must not wait on the network.
 */
import makeWASocket, {
  type AnyMessageContent, type AuthenticationCreds, type BaileysEventMap, type BinaryNode, type CacheStore, type SignalKeyStore,
  type WABrowserDescription, type WAMessage, type WAMessageKey, type WAVersion, type proto,
} from '@whiskeysockets/baileys'
import type { ChatActionsSocket } from './chat-actions.js'
import type { GroupActionsSocket } from './group-actions.js'
import type { ProfileActionsSocket } from './profile-actions.js'
import type { Agent } from 'node:http'
import type { Agent as HttpsAgent } from 'node:https'
import type { Logger } from 'pino'

/**
 * What the driver needs from a socket; the real WASocket satisfies it. The chat routes' calls: ChatActionsSocket;
 * the group routes': GroupActionsSocket; the profile routes': ProfileActionsSocket.
 */
export interface WaSocket extends ChatActionsSocket, GroupActionsSocket, ProfileActionsSocket {
  ev: { on<K extends keyof BaileysEventMap>(event: K, listener: (arg: BaileysEventMap[K]) => void): unknown }
  /**
   * The raw WebSocket client: `CB:<tag>,...` frame events (stanzas Baileys leaves unanswered) and the
   * underlying `ws` events such as `unexpected-response`.
   */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- EventEmitter listeners are untyped; each handler declares what it reads
  ws: { on(event: string, listener: (...args: any[]) => void): unknown }
  readonly user: { id: string; name?: string | undefined; notify?: string | undefined; verifiedName?: string | undefined } | undefined
  /** `messageId`: the id to send under (the session picks it to recognise Baileys' echo of the send). */
  /** `statusJidList`, `backgroundColor`, `font`: a status (story) to status@broadcast (driver/baileys/extra-content.ts). */
  sendMessage(jid: string, content: AnyMessageContent, options?: SendOptions): Promise<WAMessage | undefined>
  /** WhatsApp Business labels on a chat (handleLabel). */
  addChatLabel(jid: string, labelId: string): Promise<void>
  removeChatLabel(jid: string, labelId: string): Promise<void>
  onWhatsApp(...jids: string[]): Promise<{ jid: string; exists: boolean }[] | undefined>
  requestPairingCode(phoneNumber: string): Promise<string>
  query(node: BinaryNode, timeoutMs?: number): Promise<unknown>
  sendNode(node: BinaryNode): Promise<void>
  logout(msg?: string): Promise<void>
  end(error: Error | undefined): void | Promise<void>
}

/** The sendMessage options the driver uses (a subset of Baileys' MiscMessageGenerationOptions). */
export type SendOptions = { messageId?: string; statusJidList?: string[]; backgroundColor?: string; font?: number }

export type SocketParams = {
  creds: AuthenticationCreds
  /** Already wrapped in makeCacheableSignalKeyStore. */
  keys: SignalKeyStore
  logger: Logger
  getMessage(key: WAMessageKey): Promise<proto.IMessage | undefined>
  msgRetryCounterCache: CacheStore
  /** The instance's proxy (POST /proxy/set, docs/proxy.md): Baileys' `agent` (the WebSocket) and `fetchAgent` (media uploads). */
  agent?: Agent | undefined
}

export type SocketFactory = (params: SocketParams) => WaSocket

export type RealSocketOptions = {
  browser: WABrowserDescription
  /** Empty = WhatsApp's own URL. */
  wsUrl: string
  /** Null = the version bundled with Baileys. */
  version: WAVersion | null
}

/** `2.3000.1023204200` -> [2, 3000, 1023204200]; empty -> null (bundled). */
export function parseWaVersion(text: string): WAVersion | null {
  const m = /^(\d+)\.(\d+)\.(\d+)$/.exec(text.trim())
  return m ? [Number(m[1]), Number(m[2]), Number(m[3])] : null
}

/** The production factory: real makeWASocket with the server-side options R10 (docs/decisions.md#r10) asks for. */
export function realSocketFactory(opts: RealSocketOptions): SocketFactory {
  return (p) =>
    makeWASocket({
      auth: { creds: p.creds, keys: p.keys },
      logger: p.logger,
      browser: opts.browser,
      // Online on connect makes the phone stop showing notifications.
      markOnlineOnConnect: false,
      syncFullHistory: false,
      getMessage: p.getMessage,
      msgRetryCounterCache: p.msgRetryCounterCache,
      ...(opts.wsUrl ? { waWebSocketUrl: opts.wsUrl } : {}),
      ...(opts.version ? { version: opts.version } : {}),
      // Baileys types both as https.Agent; the proxy agents are http.Agents that tunnel either scheme.
      ...(p.agent ? { agent: p.agent as HttpsAgent, fetchAgent: p.agent as HttpsAgent } : {}),
    })
}

/**
 * @module upstream/driver/types
 * The seam between the HTTP service and a WhatsApp backend. A driver opens one session per instance;
 * the session reports state, QR, messages, acks and what the chat store needs (history, chats,
 * contacts, deletes, edits) through DriverEvents, and the service persists and relays them (webhooks). Drivers: `sandbox` (simulator), `baileys` (WhatsApp Web),
 * `cloud` (Meta's WhatsApp Cloud API); driver/index.ts picks one per instance from its integration.
 */
import type { Logger } from 'pino'
import type { Sql } from '../db/client.js'
import type { ChatPatch } from '../db/chats.js'
import type { ContactPatch } from '../db/contacts.js'
import type { AckStatus } from '../db/messages.js'
import type { ChatActions } from './chat-actions.js'
import type { GroupActions, GroupMetadata, GroupParticipant } from './group-actions.js'
import type { ProfileActions } from './profile-actions.js'

/**
 * What deps.ts gives every driver. Here rather than in driver/index.ts, which imports the drivers:
 * a driver importing it from there would close a cycle.
 */
export type DriverContext = { sql: Sql; log: Logger }

export type ConnectionState = 'open' | 'connecting' | 'close'

/** The QR object Evolution returns from connect and sends in qrcode.updated. */
export type QrCode = { pairingCode: string | null; code: string; base64: string; count: number }

/** Who the linked phone is, known once the session opened. */
export type Identity = { wuid: string; profileName: string | null; profilePictureUrl: string | null }

export type StateEvent = {
  state: ConnectionState | 'refused'
  /** Baileys DisconnectReason or 200 (401 loggedOut, 428 connectionClosed, ...). */
  statusReason: number
  identity?: Identity
}

/**
 * A WhatsApp message key. `remoteJid` is the chat (the phone JID when the driver knows it for a LID chat);
 * `participant` is the sender inside a group (phone JID when known), absent in 1:1 chats.
 */
export type MessageKey = { remoteJid: string; fromMe: boolean; id: string; participant?: string | undefined }

/** The device a message was written on (Evolution's `source`). */
export type MessageSource = 'ios' | 'android' | 'web' | 'desktop' | 'unknown'

/** A message the session produced (sent or received), WhatsApp-proto shaped. */
export type WaMessage = {
  key: MessageKey
  pushName: string
  message: Record<string, unknown>
  messageType: string
  /** Epoch seconds. */
  messageTimestamp: number
  status: AckStatus
  /** Absent = `web` (what our own sends and the simulators are). */
  source?: MessageSource | undefined
}

export type AckEvent = {
  keyId: string
  remoteJid: string
  status: AckStatus
  /** Why a message failed: Cloud API `failed` statuses carry Meta's code and title, Baileys nacks WhatsApp's error code (463 = reach-out timelock). */
  error?: { code: number; message: string } | undefined
}

/**
 * A chat / a contact as a driver reports it: only the JID is required, an absent field is unknown and
 * leaves the stored value alone (db/chats.ts and db/contacts.ts say what each field means).
 */
export type ChatInfo = ChatPatch
export type ContactInfo = ContactPatch

/** One history-sync batch (Baileys messaging-history.set, the sandbox history route). */
export type HistoryBatch = { chats: ChatInfo[]; contacts: ContactInfo[]; messages: WaMessage[] }

export type ChatsEvent = { type: 'upsert' | 'update'; chats: ChatInfo[] } | { type: 'delete'; remoteJids: string[] }

export type ContactsEvent = { type: 'upsert' | 'update'; contacts: ContactInfo[] }

export type DeleteEvent =
  /** The sender deleted it for everyone. */
  | { type: 'revoke'; key: MessageKey }
  /** Deleted on this account only (the phone's "delete for me"). */
  | { type: 'local'; keys: MessageKey[] }
  /** The phone cleared the whole chat. */
  | { type: 'clear'; remoteJid: string }

/** A message was edited (by us on the phone, or by the contact): its new content. */
export type EditEvent = { key: MessageKey; message: Record<string, unknown>; messageType: string; editedAt: number }

/** Votes on a poll (the driver already decrypted them). */
export type PollUpdateEvent = { key: MessageKey; pollUpdates: unknown[] }

/** A WhatsApp Business label as the phone defines it (`color` is WhatsApp's colour index). */
export type LabelInfo = { id: string; name: string; color: number; predefinedId?: string | undefined; deleted?: boolean | undefined }

export type LabelsEvent =
  /** Labels created, renamed, recoloured or deleted (Baileys labels.edit; the sandbox's fixed set). */
  | { type: 'edit'; labels: LabelInfo[] }
  /** A label put on or taken off a chat (Baileys labels.association, also for our own handleLabel). */
  | { type: 'association'; action: 'add' | 'remove'; chatId: string; labelId: string }

export type GroupsEvent =
  /** The account joined or created groups (Baileys groups.upsert): their whole metadata. */
  | { type: 'upsert'; groups: GroupMetadata[] }
  /** Subject, description, settings or invite changed (Baileys groups.update): partial metadata with `id`. */
  | { type: 'update'; updates: (Partial<GroupMetadata> & { id: string })[] }
  /** Members added, removed (left), promoted, demoted or renumbered (Baileys group-participants.update). */
  | {
      type: 'participants'; id: string; author: string; authorPn?: string | undefined
      participants: GroupParticipant[]; action: 'add' | 'remove' | 'promote' | 'demote' | 'modify'
    }

/**
 * A contact's presence (Baileys presence.update): WhatsApp reports it only for JIDs the session
 * subscribed to (sendPresence subscribes). Relayed as presence.update, not stored.
 */
export type PresenceEvent = { id: string; presences: Record<string, { lastKnownPresence: string; lastSeen?: number | undefined }> }

/**
 * What a session reports. Every event of one instance is handled in order (services/session-events.ts).
 * The chat store (upstream/AGENTS.md "Chat store") is filled from inbound, outgoing, ack, history,
 * chats, contacts, deleted, edited and poll; our own sends are stored by the send flow, never reported.
 */
export type DriverEvents = {
  state(ev: StateEvent): void
  qr(qr: QrCode): void
  /** New auth state to persist (null = wiped, e.g. after logout). */
  creds(session: unknown): void
  /** A message received while connected (fromMe false): stored, messages.upsert. */
  inbound(msg: WaMessage): void
  /** A message this account sent outside the API (the phone, another linked device; fromMe true): stored, messages.upsert. */
  outgoing(msg: WaMessage): void
  /** A status change of a stored message (either direction): message_updates row, messages.update. */
  ack(ev: AckEvent): void
  /** Old chats, contacts and messages: stored, chats.set / contacts.upsert / messages.set. */
  history(batch: HistoryBatch): void
  chats(ev: ChatsEvent): void
  contacts(ev: ContactsEvent): void
  deleted(ev: DeleteEvent): void
  edited(ev: EditEvent): void
  poll(ev: PollUpdateEvent): void
  /** Labels and their chats: upstream.labels / chats.labels, labels.edit / labels.association (services/label-events.ts). */
  labels(ev: LabelsEvent): void
  /** Groups: upstream.groups, groups.upsert / groups.update / group-participants.update (services/group-events.ts). */
  groups(ev: GroupsEvent): void
  /** A subscribed contact's presence: presence.update (services/session-events.ts). */
  presence(ev: PresenceEvent): void
}

/** What to send; the service has already validated and normalised it. */
export type OutboundContent =
  /** `mentions`: JIDs tagged in the text (a group's members; mentionsEveryOne is resolved to all of them by the service). */
  | { kind: 'text'; text: string; mentions?: string[] | undefined }
  | { kind: 'media'; mediatype: 'image' | 'document' | 'video' | 'audio'; media: MediaSource; mimetype: string; fileName?: string | undefined; caption?: string | undefined }
  | { kind: 'audio'; media: MediaSource }
  | { kind: 'location'; latitude: number; longitude: number; name: string; address: string }
  | { kind: 'contact'; contacts: { fullName: string; wuid: string; phoneNumber: string; organization?: string | undefined; email?: string | undefined; url?: string | undefined }[] }
  | { kind: 'reaction'; key: { id: string; remoteJid: string; fromMe: boolean }; reaction: string }
  | { kind: 'poll'; name: string; selectableCount: number; values: string[] }
  | { kind: 'list'; title: string; description: string; buttonText: string; footerText: string; sections: { title: string; rows: { title: string; description?: string | undefined; rowId?: string | undefined }[] }[] }
  | { kind: 'buttons'; title: string; description: string; footer: string; buttons: Record<string, unknown>[] }
  /** Cloud API message templates (the only kind allowed outside the 24-hour window). */
  | { kind: 'template'; name: string; language: string; components: unknown[] }
  /** A sticker: WebP bytes by the time a driver sees them, unless the client asked for no conversion (services/sticker.ts). */
  | { kind: 'sticker'; media: MediaSource; mimetype: string; animated?: boolean | undefined }
  /** A round video note (WhatsApp's "ptv"). */
  | { kind: 'ptv'; media: MediaSource; mimetype: string }
  /** A status (story), sent to status@broadcast and shown to `statusJidList`. Text carries `text`, the others `media`. */
  | {
      kind: 'status'; type: 'text' | 'image' | 'video' | 'audio'; statusJidList: string[]; text?: string | undefined; media?: MediaSource | undefined
      mimetype?: string | undefined; caption?: string | undefined; backgroundColor?: string | undefined; font?: number | undefined
    }

/**
 * Where a media send's bytes come from. `{url}` reaches a driver only when it forwards links (the Cloud
 * API: Meta fetches them); for the others the send service downloads the URL through the outbound
 * guard first and hands over `{downloaded, from}` (services/media-download.ts).
 */
export type MediaLinkPolicy = 'download' | 'forward' | 'download-if-reachable'

export type MediaSource = { url: string } | { base64: string } | { downloaded: Buffer; from: string }

export type ConnectOptions = { number?: string | undefined }

export interface DriverSession {
  readonly state: ConnectionState
  /** The current QR while connecting and unscanned, else null. */
  readonly qr: QrCode | null
  /** Starts connecting (QR or stored creds). No-op when already open or connecting. */
  connect(opts?: ConnectOptions): Promise<void>
  /** Drops the socket and reconnects with the stored creds. */
  restart(): Promise<void>
  /** Unlinks the device: creds wiped, state close (reason 401). */
  logout(): Promise<void>
  /** Stops the socket without unlinking and without events (shutdown, delete). */
  end(): Promise<void>
  /** Which JIDs exist on WhatsApp. Needs an open session. */
  checkNumbers(jids: string[]): Promise<{ jid: string; exists: boolean }[]>
  /**
   * What happens to `{url}` media before send() (services/media-download.ts). `download` (default):
   * the upstream downloads them through the outbound guard. `forward`: they go to the backend as links
   * after the guard's check (the Cloud API: Meta downloads them). `download-if-reachable`: the sandbox,
   * which runs offline: downloaded when the host answers, kept as a link when it cannot be reached;
   * a refused address is the same 400 as everywhere.
   */
  readonly mediaLinks?: MediaLinkPolicy
  /** Sends; resolves with the WhatsApp message (status PENDING). Acks follow as events. */
  send(jid: string, content: OutboundContent): Promise<WaMessage>
  /**
   * Puts a label on a chat or takes it off (Evolution's handleLabel). Absent = the backend has no labels
   * (the Cloud API): the label routes answer Evolution's "Method not available" 400.
   */
  handleLabel?(jid: string, labelId: string, action: 'add' | 'remove'): Promise<void>
  /** The /chat action routes' operations (driver/chat-actions.ts). */
  readonly chat: ChatActions
  /** The /group routes' operations (driver/group-actions.ts). Absent = no groups (the Cloud API): Evolution's "Method not available" 400. */
  readonly groups?: GroupActions
  /** The profile and privacy routes' operations and the account presence (driver/profile-actions.ts). Absent = none offered: Evolution's "Method not available" 400. */
  readonly profile?: ProfileActions
}

export type Integration = 'WHATSAPP-BAILEYS' | 'WHATSAPP-BUSINESS' | 'EVOLUTION'

export type SessionInfo = {
  id: string
  name: string
  /** Baileys: the number given at create (pairing). Cloud API: the phone number id. */
  number: string | null
  /** The instance's stored auth state (instances.session); opaque to everything but the driver. */
  session: unknown
  integration: string
  /** The instance token; for WHATSAPP-BUSINESS it is the Meta access token, as in Evolution. */
  token: string
  /** WHATSAPP-BUSINESS: the WhatsApp Business Account id. */
  businessId: string | null
}

export interface WhatsAppDriver {
  readonly name: string
  open(instance: SessionInfo, events: DriverEvents): DriverSession
  /** Stops every session and timer. */
  close(): Promise<void>
}

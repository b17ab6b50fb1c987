/**
 * @module upstream/driver/chat-actions
 * What a session does for the /chat action routes (markMessageAsRead, archiveChat, markChatUnread,
 * deleteMessageForEveryone, updateMessage, getBase64FromMediaMessage, fetchProfilePictureUrl, sendPresence,
 * updateBlockStatus). Each driver implements it in its own file (baileys/chat-actions.ts, cloud/chat-actions.ts,
 * sandbox-chat-actions.ts); the chat store and the webhooks are the service's job (services/chat-actions.ts),
 * so every driver's action leaves the same rows and events. An operation a backend does not offer throws
 * the caller's 400 (the Cloud API: Evolution's "Method not available on WhatsApp Business API").
 */

/**
 * A message key, the same shape as types.ts' MessageKey (spelled out here because types.ts imports this
 * module: importing it back would close a cycle).
 */
export type MessageKey = { remoteJid: string; fromMe: boolean; id: string; participant?: string | undefined }

export type Presence = 'unavailable' | 'available' | 'composing' | 'recording' | 'paused'

/** The last message of a chat: WhatsApp anchors archive and unread marks to it. `messageTimestamp` in epoch seconds. */
export type LastMessage = { key: MessageKey; messageTimestamp: number }

/** A message whose media is to be downloaded: its key and proto-shaped content (wrappers already removed). */
export type MediaMessage = { key: MessageKey; messageType: string; message: Record<string, unknown> }

/** What a send of a protocol message (revoke, edit) answered, Baileys-shaped (Evolution returns it as is). */
export type ProtocolSend = { key: MessageKey; message: Record<string, unknown>; messageTimestamp: string; status: 'PENDING' }

export interface ChatActions {
  /** Sends read receipts for these received messages. */
  readMessages(keys: MessageKey[]): Promise<void>
  archiveChat(jid: string, archive: boolean, last: LastMessage): Promise<void>
  markChatUnread(jid: string, last: LastMessage): Promise<void>
  /** Deletes a message for everyone (a REVOKE protocol message). */
  deleteForEveryone(key: MessageKey): Promise<ProtocolSend>
  /** Replaces a text or a caption (a MESSAGE_EDIT protocol message carrying `{conversation: text}`-like content). */
  editMessage(jid: string, key: MessageKey, text: string): Promise<ProtocolSend>
  /** The media file's plain bytes; refuses (400) anything larger than `maxBytes`. */
  downloadMedia(msg: MediaMessage, maxBytes: number): Promise<Buffer>
  /** Null when there is no picture or it is private. */
  profilePictureUrl(jid: string): Promise<string | null>
  presenceSubscribe(jid: string): Promise<void>
  sendPresenceUpdate(presence: Presence, jid: string): Promise<void>
  updateBlockStatus(jid: string, action: 'block' | 'unblock'): Promise<void>
}

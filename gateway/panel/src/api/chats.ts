/**
 * Chats, contacts and message history of one instance, through the gateway's proxy to the upstream's
 * Evolution v2 routes (`POST /chat/find*`, `markMessageAsRead`, `getBase64FromMediaMessage`) and the
 * sends a thread uses (`/message/sendText`, `sendReaction`, `sendMedia`). Request bodies are the
 * upstream's schemas (generated-types.ts). The upstream publishes no response schemas, so the answers
 * are typed here by hand, from the Evolution v2 contract; every field Evolution may leave out or set to
 * null is optional or nullable, so screens must not assume it.
 */
import { api, seg } from './client.js'
import type { RequestBody } from './generated-types.js'
import type { SendMedia } from './messages.js'

/** A WhatsApp message key as stored (Baileys' key; `participant` is the sender in a group). */
export type MessageKey = {
  id: string
  remoteJid: string
  fromMe: boolean
  participant?: string | null
  remoteJidAlt?: string | null
  participantAlt?: string | null
  deleted?: boolean
}

/** Message statuses, lowest to highest for an outgoing message (ERROR, DELETED and EDITED aside). */
export type MessageStatus = 'ERROR' | 'PENDING' | 'SERVER_ACK' | 'DELIVERY_ACK' | 'READ' | 'PLAYED' | 'DELETED' | 'EDITED'

/** A media sub-object (imageMessage, videoMessage, audioMessage, documentMessage, stickerMessage, ptvMessage). */
export type MediaContent = {
  caption?: string | null
  mimetype?: string | null
  fileName?: string | null
  /** documentMessage in findChats' lastMessage. */
  name?: string | null
  title?: string | null
  /** Base64 JPEG preview (Baileys); bytes or a base64 string once serialised as JSON. */
  jpegThumbnail?: string | null
  /** Audio and video length in seconds. */
  seconds?: number | null
  fileLength?: number | string | { low: number; high: number; unsigned?: boolean } | null
  width?: number | null
  height?: number | null
  url?: string | null
  ptt?: boolean | null
}

/** The `message` column: one content key (conversation, imageMessage, ...) plus what the store adds. */
export type MessageContent = {
  conversation?: string | null
  extendedTextMessage?: { text?: string | null } | null
  imageMessage?: MediaContent | null
  videoMessage?: MediaContent | null
  ptvMessage?: MediaContent | null
  audioMessage?: MediaContent | null
  documentMessage?: MediaContent | null
  documentWithCaptionMessage?: { message?: { documentMessage?: MediaContent | null } | null } | null
  stickerMessage?: MediaContent | null
  reactionMessage?: { key?: Partial<MessageKey> | null; text?: string | null } | null
  locationMessage?: { degreesLatitude?: number | null; degreesLongitude?: number | null; name?: string | null; address?: string | null } | null
  contactMessage?: { displayName?: string | null; vcard?: string | null } | null
  contactsArrayMessage?: { displayName?: string | null; contacts?: { displayName?: string | null }[] | null } | null
  pollCreationMessage?: { name?: string | null; options?: { optionName?: string | null }[] | null } | null
  pollCreationMessageV3?: { name?: string | null; options?: { optionName?: string | null }[] | null } | null
  listMessage?: { title?: string | null; description?: string | null } | null
  buttonsMessage?: { contentText?: string | null } | null
  templateMessage?: unknown
  protocolMessage?: unknown
  /** Where the store keeps a copy of the media (S3/MinIO), when it does. */
  mediaUrl?: string | null
  /** Set by the store only when it keeps the media inline (findChats strips it). */
  base64?: string | null
  [other: string]: unknown
}

/** One status change of a stored message (`MessageUpdate` rows, oldest first). */
export type MessageUpdate = {
  status: MessageStatus | string
  id?: string
  keyId?: string
  remoteJid?: string
  fromMe?: boolean
  participant?: string | null
  messageId?: string
  instanceId?: string
}

/** messageTimestamp is seconds; stored as a number, or a Long / string in answers straight from Baileys. */
export type Timestamp = number | string | { low: number; high: number; unsigned?: boolean }

/** One record of findMessages (and findChats' `lastMessage`, and a send route's messageRaw, which has no `id`). */
export type MessageRecord = {
  id?: string
  key: MessageKey
  pushName?: string | null
  participant?: string | null
  messageType: string
  message: MessageContent | null
  contextInfo?: Record<string, unknown> | null
  source?: string | null
  messageTimestamp: Timestamp
  instanceId?: string
  sessionId?: string | null
  /** Not in findMessages records (Evolution leaves the column out); present in lastMessage and messageRaw. */
  status?: MessageStatus | string | null
  MessageUpdate?: MessageUpdate[] | null
}

/** One row of findChats: one per chat that has a stored message, newest first. */
export type ChatRow = {
  /** The Contact row id, or null. */
  id: string | null
  remoteJid: string
  pushName?: string | null
  /** Not in Evolution's answer (this upstream adds it): the chat's own name, a group's subject. */
  name?: string | null
  profilePicUrl?: string | null
  /** The last message time (ISO 8601). */
  updatedAt?: string | null
  windowStart?: string | null
  windowExpires?: string | null
  windowActive?: boolean | null
  lastMessage?: MessageRecord | null
  unreadCount?: number | null
  isSaved?: boolean | null
  /** Not in Evolution's answer; this upstream adds them. */
  labels?: string[] | null
  archived?: boolean | null
  pinned?: boolean | null
}

/** One row of findContacts. */
export type ContactRow = {
  id: string
  remoteJid: string
  pushName?: string | null
  profilePicUrl?: string | null
  createdAt?: string | null
  updatedAt?: string | null
  instanceId?: string
  isGroup?: boolean
  isSaved?: boolean
  type?: 'contact' | 'group' | 'group_member' | string
}

/** One row of findStatusMessage (a MessageUpdate row). */
export type StatusRow = MessageUpdate & { pollUpdates?: unknown }

/** findMessages' answer. */
export type FindMessagesAnswer = {
  messages: { total: number; pages: number; currentPage: number; records: MessageRecord[] }
}

/** getBase64FromMediaMessage's answer. */
export type MediaAnswer = {
  mediaType: string
  fileName?: string | null
  caption?: string | null
  size?: { fileLength?: MediaContent['fileLength']; height?: number | null; width?: number | null } | null
  mimetype: string
  base64: string
  buffer?: null
}

// ---- request bodies: the upstream's own schemas (generated-types.ts), so a shape it refuses is a type error

export type FindChatsBody = RequestBody<'POST /chat/findChats/{instance}'>
export type FindMessagesBody = RequestBody<'POST /chat/findMessages/{instance}'>
export type FindContactsBody = RequestBody<'POST /chat/findContacts/{instance}'>
export type FindStatusBody = RequestBody<'POST /chat/findStatusMessage/{instance}'>
export type ReadKey = RequestBody<'POST /chat/markMessageAsRead/{instance}'>['readMessages'][number]
export type MediaRequest = RequestBody<'POST /chat/getBase64FromMediaMessage/{instance}'>
export type SendReaction = RequestBody<'POST /message/sendReaction/{instance}'>
export type SendText = RequestBody<'POST /message/sendText/{instance}'>

const chatPath = (action: string, instance: string) => `/chat/${action}/${seg(instance)}`

export const chatsApi = {
  findChats: (instance: string, body: FindChatsBody = {}) => api.post<ChatRow[]>(chatPath('findChats', instance), body),
  findMessages: (instance: string, body: FindMessagesBody) => api.post<FindMessagesAnswer>(chatPath('findMessages', instance), body),
  findContacts: (instance: string, body: FindContactsBody = {}) => api.post<ContactRow[]>(chatPath('findContacts', instance), body),
  findStatusMessage: (instance: string, body: FindStatusBody = {}) => api.post<StatusRow[]>(chatPath('findStatusMessage', instance), body),
  markAsRead: (instance: string, readMessages: ReadKey[]) =>
    api.post<{ message?: string; read?: string }>(chatPath('markMessageAsRead', instance), { readMessages } satisfies RequestBody<'POST /chat/markMessageAsRead/{instance}'>),
  /** The full media of a stored message, loaded by its key id (the upstream reads the stored message). */
  media: (instance: string, key: MediaRequest['message']['key']) =>
    api.post<MediaAnswer>(chatPath('getBase64FromMediaMessage', instance), { message: { key } } satisfies MediaRequest),
  sendText: (instance: string, body: SendText) => api.post<MessageRecord>(`/message/sendText/${seg(instance)}`, body),
  sendReaction: (instance: string, body: SendReaction) => api.post<MessageRecord>(`/message/sendReaction/${seg(instance)}`, body),
  sendMedia: (instance: string, body: SendMedia) => api.post<MessageRecord>(`/message/sendMedia/${seg(instance)}`, body),
}

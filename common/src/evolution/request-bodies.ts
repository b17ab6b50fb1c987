/**
 * @module common/evolution/request-bodies
 * The request bodies of the Evolution API v2 routes, as valibot schemas: the ONE definition the
 * upstream validates with (its routes import them through upstream/src/routes/*-schemas.ts) and the
 * gateway's OpenAPI document shows (gateway/src/services/openapi/upstream-bodies.ts converts them).
 * Messages are worded like v2's jsonschema errors (upstream/src/lib/validation.ts renders the issues);
 * `number` carries v2's description "Invalid format", which is what any problem with it reports.
 *
 * `v.examples`, `v.description` and `v.metadata` change nothing in validation: they are what the document
 * says besides the rules, including what a `v.check` enforces in code JSON Schema cannot carry.
 */
import * as v from 'valibot'
import { WEBHOOK_EVENTS } from './webhook-events.js'

// ---- /message/* ------------------------------------------------------------------------------------

export const NumberField = v.pipe(v.string('Invalid format'), v.examples(['595981123456']))
const delay = v.optional(v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(300_000)))
const strOpt = v.optional(v.string())

export const SendTextBody = v.object({
  number: NumberField,
  text: v.string(),
  delay,
  linkPreview: v.optional(v.boolean()),
  quoted: v.optional(v.record(v.string(), v.unknown())),
  mentionsEveryOne: v.optional(v.boolean()),
  /** The schema's spelling of mentionsEveryOne (Evolution's schema declares it, its service never reads it). */
  everyOne: v.optional(v.boolean()),
  mentioned: v.optional(v.array(v.string())),
})

export const SendMediaBody = v.object({
  number: NumberField,
  mediatype: v.picklist(['image', 'document', 'video', 'audio']),
  media: v.pipe(v.string(), v.description('URL, base64 or data: URL')),
  mimetype: strOpt,
  fileName: strOpt,
  caption: strOpt,
  delay,
})

export const SendAudioBody = v.object({ number: NumberField, audio: v.string(), encoding: v.optional(v.boolean()), delay })

export const SendLocationBody = v.object({
  number: NumberField,
  latitude: v.number(),
  longitude: v.number(),
  name: v.string(),
  address: v.string(),
  delay,
})

export const SendContactBody = v.object({
  number: NumberField,
  contact: v.pipe(
    v.array(
      v.object({
        fullName: v.string(),
        wuid: strOpt,
        phoneNumber: v.string(),
        organization: strOpt,
        email: strOpt,
        url: strOpt,
      }),
    ),
    v.minLength(1),
  ),
  delay,
})

export const SendReactionBody = v.object({
  key: v.object({ id: v.string(), remoteJid: v.string(), fromMe: v.boolean() }),
  reaction: v.string(),
})

export const SendPollBody = v.object({
  number: NumberField,
  name: v.string(),
  selectableCount: v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(12)),
  values: v.pipe(v.array(v.string()), v.minLength(2), v.maxLength(12)),
  delay,
})

export const SendListBody = v.object({
  number: NumberField,
  title: v.string(),
  description: strOpt,
  buttonText: v.string(),
  footerText: strOpt,
  sections: v.pipe(
    v.array(
      v.object({
        title: v.string(),
        rows: v.pipe(v.array(v.object({ title: v.string(), description: strOpt, rowId: strOpt })), v.minLength(1)),
      }),
    ),
    v.minLength(1),
  ),
  delay,
})

export const SendButtonsBody = v.object({
  number: NumberField,
  title: v.string(),
  description: strOpt,
  footer: strOpt,
  buttons: v.pipe(
    v.array(v.object({ type: v.picklist(['reply', 'copy', 'url', 'call', 'pix']), displayText: strOpt, id: strOpt, copyCode: strOpt, url: strOpt, phoneNumber: strOpt })),
    v.minLength(1),
  ),
  delay,
})

/** Evolution's sendTemplate body: Meta template name, language code (`en_US`, `es`), optional components. */
export const SendTemplateBody = v.object({
  number: NumberField,
  name: v.pipe(v.string(), v.minLength(1, 'name does not meet minimum length of 1')),
  language: v.pipe(v.string(), v.minLength(1, 'language does not meet minimum length of 1')),
  components: v.optional(v.array(v.record(v.string(), v.unknown()))),
  delay,
})

/** Fields every Evolution send accepts besides its own; kept so a client's full body validates. */
const sendExtras = {
  delay,
  quoted: v.optional(v.record(v.string(), v.unknown())),
  mentionsEveryOne: v.optional(v.boolean()),
  everyOne: v.optional(v.boolean()),
  mentioned: v.optional(v.array(v.string())),
}

/**
 * sendSticker: `sticker` is a URL or base64 (optional in v2's schema: a multipart `file` may carry it).
 * `notConvertSticker`: send the bytes as given instead of converting them to WebP.
 */
export const SendStickerBody = v.object({
  number: NumberField,
  sticker: v.optional(v.pipe(v.string(), v.description('URL or base64 of the image (WebP is sent as is)'))),
  notConvertSticker: v.optional(v.boolean()),
  ...sendExtras,
})

/** sendPtv: a round video note; `video` is a URL or base64 (or a multipart `file`). */
export const SendPtvBody = v.object({
  number: NumberField,
  video: v.optional(v.pipe(v.string(), v.description('URL or base64 of an MP4 video'))),
  ...sendExtras,
})

/**
 * sendStatus: a status (story) to `statusJidList` or, with `allContacts`, to every stored contact with a
 * name. Text needs `backgroundColor` and `font`; media take `content` as a URL or base64.
 */
export const SendStatusBody = v.object({
  type: v.picklist(['text', 'image', 'video', 'audio']),
  content: v.optional(v.string()),
  caption: strOpt,
  backgroundColor: strOpt,
  font: v.optional(v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(5))),
  statusJidList: v.optional(v.array(v.pipe(v.string(), v.regex(/^\d/, 'statusJidList items must start with a digit')))),
  allContacts: v.optional(v.boolean()),
  delay,
})

// ---- /label/handleLabel --------------------------------------------------------------------------------

export const HandleLabelBody = v.object({
  number: NumberField,
  labelId: v.string(),
  action: v.picklist(['add', 'remove']),
})

// ---- /chat/whatsappNumbers ---------------------------------------------------------------------------

export const NumbersBody = v.object({
  numbers: v.pipe(
    v.array(v.string()),
    v.minLength(1),
    v.check((a) => new Set(a).size === a.length, 'numbers contains duplicate item'),
    v.metadata({ uniqueItems: true }),
  ),
})

// ---- /instance/create, /webhook/set (v2 and the legacy flat v1 alias), /settings/set ----------------------

const bool = v.optional(v.boolean())

export const EventList = v.array(v.picklist(WEBHOOK_EVENTS))

/** The nested v2 webhook object (create's `webhook`, webhook/set's `webhook`). */
export const WebhookObject = v.object({
  enabled: v.boolean(),
  url: v.string(),
  headers: v.optional(v.record(v.string(), v.unknown())),
  byEvents: bool,
  base64: bool,
  events: v.optional(EventList),
})

export const CreateBody = v.object({
  instanceName: v.pipe(
    v.string(),
    v.minLength(1, 'The "instanceName" cannot be empty'),
    // Not in v2; a name with "/" could never be addressed by the path-based routes.
    v.check((s) => !s.includes('/'), 'instanceName does not match pattern "^[^/]+$"'),
  ),
  // The create service checks it (400 "Invalid integration").
  integration: v.optional(v.pipe(v.string(), v.examples(['WHATSAPP-BAILEYS', 'WHATSAPP-BUSINESS']))),
  token: strOpt,
  qrcode: bool,
  number: v.optional(v.pipe(v.string(), v.regex(/^\d+[.@\w-]+/, 'number does not match pattern "^\\d+[\\.@\\w-]+"'))),
  businessId: strOpt,
  rejectCall: bool,
  msgCall: strOpt,
  groupsIgnore: bool,
  alwaysOnline: bool,
  readMessages: bool,
  readStatus: bool,
  syncFullHistory: bool,
  wavoipToken: strOpt,
  webhook: v.optional(WebhookObject),
})

export const WebhookSetBody = v.object({ webhook: WebhookObject })

/**
 * The gateway's v1 flat body: `{url, webhook_by_events, webhook_base64, events, enabled?}`. The
 * "clear" call sends `events:{}` (an empty Lua table), so an object means no events.
 */
export const LegacyWebhookBody = v.object({
  url: v.string(),
  enabled: bool,
  webhook_by_events: bool,
  webhook_base64: bool,
  headers: v.optional(v.record(v.string(), v.unknown())),
  events: v.optional(v.union([v.array(v.string()), v.record(v.string(), v.unknown())])),
})

export const SettingsBody = v.object({
  rejectCall: v.boolean(),
  msgCall: strOpt,
  groupsIgnore: v.boolean(),
  alwaysOnline: v.boolean(),
  readMessages: v.boolean(),
  readStatus: v.boolean(),
  syncFullHistory: v.boolean(),
  wavoipToken: strOpt,
})

// ---- /chat/findChats, findContacts, findMessages, findStatusMessage --------------------------------------

/**
 * Epoch seconds for a time bound of `messageTimestamp: {gte, lte}`: an ISO 8601 date (without a zone =
 * UTC), epoch milliseconds, or epoch seconds (what messageTimestamp itself is). A number below 10^11 is
 * seconds (10^11 ms is 1973, 10^11 s the year 5138). NaN when it is none of these.
 */
export function toEpochSeconds(x: number | string): number {
  if (typeof x === 'number' || /^\s*\d+(\.\d+)?\s*$/.test(x)) {
    const n = Number(x)
    return Math.floor(n < 1e11 ? n : n / 1000)
  }
  const text = x.trim()
  return Math.floor(Date.parse(/T\d\d:\d\d(:\d\d(\.\d+)?)?$/.test(text) ? `${text}Z` : text) / 1000)
}

/**
 * A bound of `messageTimestamp` (output: epoch seconds). Evolution reads only ISO text or epoch ms and
 * ignores a range unless both bounds are given; we take either bound alone.
 */
const timeBound = (name: string) => {
  const message = `where.messageTimestamp.${name} must be an ISO 8601 date, epoch milliseconds or epoch seconds`
  return v.optional(
    v.pipe(
      v.union([v.number(), v.string()], message),
      v.examples(['2025-01-31T00:00:00Z', 1738281600000, 1738281600]),
      v.transform(toEpochSeconds),
      v.check((n) => Number.isFinite(n), message),
    ),
  )
}

export const TimeRange = v.object({ gte: timeBound('gte'), lte: timeBound('lte') })

/** `page` (1-based) and `offset` (the page size, as in Evolution). */
const pageNumber = v.optional(v.pipe(v.number(), v.integer(), v.minValue(1)))
const pageSize = v.optional(v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(1000)))
const nonEmpty = v.optional(v.pipe(v.string(), v.minLength(1)))

export const FindContactsBody = v.object({
  where: v.optional(v.object({ remoteJid: nonEmpty, id: nonEmpty, pushName: nonEmpty, _id: nonEmpty })),
  page: pageNumber,
  offset: pageSize,
})

export const FindMessagesBody = v.object({
  where: v.optional(
    v.object({
      id: strOpt,
      _id: strOpt,
      source: strOpt,
      messageType: strOpt,
      messageTimestamp: v.optional(TimeRange),
      key: v.optional(v.object({ id: strOpt, remoteJid: strOpt, fromMe: v.optional(v.boolean()), participant: strOpt, remoteJidAlt: strOpt })),
    }),
  ),
  page: pageNumber,
  offset: pageSize,
  // In Evolution's schema, never read there: accepted and ignored.
  limit: v.optional(v.number()),
  sort: v.optional(v.unknown()),
})

export const MESSAGE_STATUSES = ['ERROR', 'PENDING', 'SERVER_ACK', 'DELIVERY_ACK', 'READ', 'PLAYED', 'DELETED', 'EDITED'] as const

export const FindStatusMessageBody = v.object({
  where: v.optional(
    v.object({ remoteJid: nonEmpty, id: nonEmpty, fromMe: v.optional(v.boolean()), participant: nonEmpty, status: v.optional(v.picklist(MESSAGE_STATUSES)), _id: nonEmpty }),
  ),
  page: pageNumber,
  offset: pageSize,
})

export const FindChatsBody = v.object({
  where: v.optional(v.object({ remoteJid: nonEmpty, messageTimestamp: v.optional(TimeRange) })),
  take: v.optional(v.pipe(v.number(), v.integer(), v.minValue(1))),
  skip: v.optional(v.pipe(v.number(), v.integer(), v.minValue(0))),
})

// ---- /chat/markMessageAsRead, archiveChat, markChatUnread, deleteMessageForEveryone, updateMessage,
// ---- getBase64FromMediaMessage, fetchProfilePictureUrl, sendPresence, updateBlockStatus ------------------

/** A message key as the chat action routes take it (Evolution requires all three). */
export const ActionKey = v.object({ id: v.string(), fromMe: v.boolean(), remoteJid: v.string() })

export const ReadMessagesBody = v.object({
  readMessages: v.pipe(
    v.array(ActionKey),
    v.minLength(1),
    v.check((a) => new Set(a.map((k) => `${k.remoteJid}|${k.fromMe}|${k.id}`)).size === a.length, 'readMessages contains duplicate item'),
    v.metadata({ uniqueItems: true }),
  ),
})

/** The chat's last message: what WhatsApp's archive / unread sync actions are anchored to. */
export const LastMessageField = v.object({
  key: ActionKey,
  messageTimestamp: v.optional(v.union([v.pipe(v.number(), v.integer(), v.minValue(0)), v.pipe(v.string(), v.regex(/^\d+$/))])),
})

export const ArchiveChatBody = v.object({ archive: v.boolean(), lastMessage: v.optional(LastMessageField), chat: strOpt })

export const MarkChatUnreadBody = v.object({ lastMessage: LastMessageField, chat: strOpt })

export const DeleteMessageBody = v.object({ id: v.string(), fromMe: v.boolean(), remoteJid: v.string(), participant: strOpt })

export const UpdateMessageBody = v.object({ number: NumberField, key: ActionKey, text: v.string() })

/**
 * `message`: a whole WebMessageInfo (`{key, message:{imageMessage:{...}}}`) or just `{key:{id}}` to use the
 * stored one. Evolution validates nothing here; we require the key id, which both forms need.
 */
export const MediaMessageBody = v.object({
  // v.object drops the WebMessageInfo's other fields (pushName, messageTimestamp...), which nothing here reads.
  message: v.object({
    key: v.object({ id: v.pipe(v.string(), v.minLength(1, 'The "message.key.id" cannot be empty')), remoteJid: strOpt, fromMe: v.optional(v.boolean()), participant: strOpt }),
    message: v.optional(v.record(v.string(), v.unknown())),
  }),
  convertToMp4: v.optional(v.boolean()),
})

export const ProfilePictureBody = v.object({ number: NumberField })

export const PRESENCES = ['unavailable', 'available', 'composing', 'recording', 'paused'] as const

export const SendPresenceBody = v.object({
  number: NumberField,
  presence: v.picklist(PRESENCES),
  // In ms; the request blocks this long (Evolution puts no bound; 5 minutes keeps a request finite).
  delay: v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(300_000)),
})

export const BlockStatusBody = v.object({ number: NumberField, status: v.picklist(['block', 'unblock']) })

/**
 * @module services/openapi/upstream-bodies
 * Request bodies of the proxied upstream routes, for the document: the schemas the upstream's handlers
 * validate with (common/src/evolution/request-bodies, shared because the two services may not import
 * each other), converted like every native body. A route without an entry is documented as an open
 * object.
 */
import type { JsonSchema } from '@valibot/to-json-schema'
import * as v from 'valibot'
import { InstanceNameRule } from '../../lib/rules.js'
import * as M from '../../../../common/src/evolution/request-bodies.js'
import { SetProxyBody } from '../../../../common/src/evolution/proxy-bodies.js'
import * as P from '../../../../common/src/evolution/profile-bodies.js'
import { schemaOf } from './json-schema.js'

/** Keyed by the proxy's path pattern (routes/proxy/route-table.ts). */
export const UPSTREAM_BODIES: Readonly<Record<string, v.GenericSchema>> = {
  // The gateway intercepts create and checks the name with its own, stricter rule before the upstream's.
  '/instance/create': v.object({ ...M.CreateBody.entries, instanceName: InstanceNameRule }),
  '/message/sendText/:instance': M.SendTextBody,
  '/message/sendMedia/:instance': M.SendMediaBody,
  '/message/sendWhatsAppAudio/:instance': M.SendAudioBody,
  '/message/sendLocation/:instance': M.SendLocationBody,
  '/message/sendContact/:instance': M.SendContactBody,
  '/message/sendReaction/:instance': M.SendReactionBody,
  '/message/sendPoll/:instance': M.SendPollBody,
  '/message/sendList/:instance': M.SendListBody,
  '/message/sendButtons/:instance': M.SendButtonsBody,
  '/message/sendTemplate/:instance': M.SendTemplateBody,
  '/message/sendSticker/:instance': M.SendStickerBody,
  '/message/sendPtv/:instance': M.SendPtvBody,
  '/message/sendStatus/:instance': M.SendStatusBody,
  '/chat/findChats/:instance': M.FindChatsBody,
  '/chat/findContacts/:instance': M.FindContactsBody,
  '/chat/findMessages/:instance': M.FindMessagesBody,
  '/chat/findStatusMessage/:instance': M.FindStatusMessageBody,
  '/chat/markMessageAsRead/:instance': M.ReadMessagesBody,
  '/chat/archiveChat/:instance': M.ArchiveChatBody,
  '/chat/markChatUnread/:instance': M.MarkChatUnreadBody,
  '/chat/deleteMessageForEveryone/:instance': M.DeleteMessageBody,
  '/chat/updateMessage/:instance': M.UpdateMessageBody,
  '/chat/getBase64FromMediaMessage/:instance': M.MediaMessageBody,
  '/chat/fetchProfilePictureUrl/:instance': M.ProfilePictureBody,
  '/chat/sendPresence/:instance': M.SendPresenceBody,
  '/chat/updateBlockStatus/:instance': M.BlockStatusBody,
  '/label/handleLabel/:instance': M.HandleLabelBody,
  '/chat/fetchBusinessProfile/:instance': P.FetchBusinessProfileBody,
  '/chat/fetchProfile/:instance': P.FetchProfileBody,
  '/chat/updateProfileName/:instance': P.ProfileNameBody,
  '/chat/updateProfileStatus/:instance': P.ProfileStatusBody,
  '/chat/updateProfilePicture/:instance': P.ProfilePictureUpdateBody,
  '/chat/removeProfilePicture/:instance': P.RemoveProfilePictureBody,
  '/chat/updatePrivacySettings/:instance': P.PrivacySettingsBody,
  '/instance/setPresence/:instance': P.SetPresenceBody,
  '/chat/whatsappNumbers/:instance': M.NumbersBody,
  '/settings/set/:instance': M.SettingsBody,
  // The upstream takes v2's nested body or, as a tolerant alias (D14, docs/decisions.md#d14), the v1 flat one.
  '/webhook/set/:instance': v.union([M.WebhookSetBody, M.LegacyWebhookBody]),
  '/proxy/set/:instance': SetProxyBody,
}

export function upstreamBody(path: string): JsonSchema {
  const schema = UPSTREAM_BODIES[path]
  return schema ? schemaOf(schema) : { type: 'object', description: 'As Evolution API v2 defines for this route', additionalProperties: true }
}

/**
 * @module upstream/routes/chat-actions
 * The /chat action routes, with Evolution's methods and status codes: POST markMessageAsRead (201),
 * archiveChat (201), markChatUnread (201), DELETE deleteMessageForEveryone (201, JSON body), POST updateMessage
 * (200), getBase64FromMediaMessage (201), fetchProfilePictureUrl (200), sendPresence (201, blocks for `delay`),
 * updateBlockStatus (201). Guards as every instance route (404, then 401); a bad body is the nested-array 400.
 * The work is in services/chat-actions.ts and services/chat-media.ts.
 */
import { Hono, type Context } from 'hono'
import type * as v from 'valibot'
import * as B from '../../../common/src/evolution/request-bodies.js'
import type { InstanceRow } from '../db/instances.js'
import type { UpstreamDeps } from '../deps.js'
import type { UpstreamEnv } from '../env.js'
import { parseBody } from '../lib/validation.js'
import { instanceGuard } from '../middleware/auth.js'
import * as A from '../services/chat-actions.js'
import { mediaAnswer } from '../services/chat-media.js'

type Status = 200 | 201

export function chatActionRoutes(deps: UpstreamDeps) {
  const r = new Hono<UpstreamEnv>({ strict: false })
  const guard = instanceGuard(deps.sql, deps.config.AUTHENTICATION_API_KEY)

  function route<S extends v.GenericSchema>(method: 'post' | 'delete', action: string, schema: S, status: Status, run: (b: v.InferOutput<S>, row: InstanceRow) => Promise<unknown>) {
    r[method](`/${action}/:instanceName`, guard, async (c: Context<UpstreamEnv>) => c.json(await run(await parseBody(c, schema), c.var.instance), status))
  }

  route('post', 'markMessageAsRead', B.ReadMessagesBody, 201, (b, row) => A.markMessageAsRead(deps, row, b))
  route('post', 'archiveChat', B.ArchiveChatBody, 201, (b, row) => A.archiveChat(deps, row, b))
  route('post', 'markChatUnread', B.MarkChatUnreadBody, 201, (b, row) => A.markChatUnread(deps, row, b))
  route('delete', 'deleteMessageForEveryone', B.DeleteMessageBody, 201, (b, row) => A.deleteMessageForEveryone(deps, row, b))
  route('post', 'updateMessage', B.UpdateMessageBody, 200, (b, row) => A.updateMessage(deps, row, b))
  route('post', 'getBase64FromMediaMessage', B.MediaMessageBody, 201, (b, row) =>
    mediaAnswer(deps.sql, row.id, deps.instances.entry(row).session, b, deps.config.MEDIA_MAX_BYTES),
  )
  route('post', 'fetchProfilePictureUrl', B.ProfilePictureBody, 200, (b, row) => A.fetchProfilePictureUrl(deps, row, b))
  route('post', 'sendPresence', B.SendPresenceBody, 201, (b, row) => A.sendPresence(deps, row, b))
  route('post', 'updateBlockStatus', B.BlockStatusBody, 201, (b, row) => A.updateBlockStatus(deps, row, b))

  return r
}

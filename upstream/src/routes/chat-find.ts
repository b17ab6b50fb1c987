/**
 * @module upstream/routes/chat-find
 * POST /chat/findChats, findContacts, findMessages, findStatusMessage: reads of the instance's chat store
 * (Evolution answers them from its database too, without touching the socket: they work on a closed
 * instance and on every integration, the Cloud API included). 200 with Evolution's shapes; a bad body is
 * Evolution's 400 with the nested message array. Answers are built in services/chat-find.ts.
 */
import { Hono } from 'hono'
import { FindChatsBody, FindContactsBody, FindMessagesBody, FindStatusMessageBody } from '../../../common/src/evolution/request-bodies.js'
import type { UpstreamDeps } from '../deps.js'
import type { UpstreamEnv } from '../env.js'
import { parseBody } from '../lib/validation.js'
import { instanceGuard } from '../middleware/auth.js'
import { findChatsAnswer, findContactsAnswer, findMessagesAnswer, findStatusMessageAnswer } from '../services/chat-find.js'

export function chatFindRoutes(deps: UpstreamDeps) {
  const r = new Hono<UpstreamEnv>({ strict: false })
  const guard = instanceGuard(deps.sql, deps.config.AUTHENTICATION_API_KEY)
  const { sql } = deps

  r.post('/findChats/:instanceName', guard, async (c) => c.json(await findChatsAnswer(sql, c.var.instance.id, await parseBody(c, FindChatsBody))))
  r.post('/findContacts/:instanceName', guard, async (c) => c.json(await findContactsAnswer(sql, c.var.instance.id, await parseBody(c, FindContactsBody))))
  r.post('/findMessages/:instanceName', guard, async (c) => c.json(await findMessagesAnswer(sql, c.var.instance.id, await parseBody(c, FindMessagesBody))))
  r.post('/findStatusMessage/:instanceName', guard, async (c) =>
    c.json(await findStatusMessageAnswer(sql, c.var.instance.id, await parseBody(c, FindStatusMessageBody))),
  )

  return r
}

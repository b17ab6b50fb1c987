/**
 * @module services/send-queue/gate
 * The send-gate check that queues a send instead of sending it (docs/delivery-guarantees.md#queued-sends-and-budgets):
 * with `X-Send-Mode: queue`, or the instance's send_mode 'queue' (PUT /admin/instances/{name}/send-settings, or its owner's: PUT /admin/users/{id}/send-settings)
 * and no `X-Send-Mode: sync`, the send is stored (queued_sends + its 'queued' message_logs row, one
 * transaction), its instance's drain job is enqueued, and the answer is 202 in Evolution's send shape:
 * `{key:{remoteJid, fromMe:true, id}, status:"queued", messageTimestamp, queue:{seq, expiresAt}}`.
 * Only JSON bodies are queued (a form's file would have to be stored): a form asking to queue gets 400.
 */
import { randomBytes, randomUUID } from 'node:crypto'
import type { Deps } from '../../deps.js'
import { ApiError } from '../../errors/api-error.js'
import { insertQueued } from '../../db/queries/queued-sends.js'
import { messageTypeFor, recipientFor } from '../message-log/message-type.js'
import { messageTextFor } from '../message-log/message-text.js'
import type { SendCheck, SendRequest } from '../send-gate/send-gate.js'
import { sendControls } from '../send-budget/controls.js'
import { notifyQueueStatus, remoteJidOf } from './notify.js'
import { enqueueDrain } from './worker.js'

export const SEND_MODE_HEADER = 'x-send-mode'
export const SEND_MODES = ['sync', 'queue'] as const

/** The mode a request asks for: its header, else the instance's setting, else synchronous. */
export function sendModeOf(header: string | string[] | undefined, instanceMode: 'sync' | 'queue' | null | undefined): 'sync' | 'queue' {
  if (header === undefined) return instanceMode ?? 'sync'
  const v = (Array.isArray(header) ? header[0] ?? '' : header).trim().toLowerCase()
  if (v === 'queue' || v === 'sync') return v
  throw new ApiError(400, 'X-Send-Mode must be "sync" or "queue"')
}

/** An id in the style of WhatsApp's (upper-case hex), marked as the gateway's own by its prefix. */
const newMessageId = (): string => `TQ${randomBytes(10).toString('hex').toUpperCase()}`

export function queueCheck(deps: Deps): SendCheck {
  const controls = sendControls(deps)
  return {
    name: 'send-queue',
    async check(req: SendRequest) {
      const header = req.headers[SEND_MODE_HEADER]
      // The common case (no header, instance not in queue mode) costs one Map read.
      if (sendModeOf(header, controls.get(req.instance)?.sendMode) === 'sync') return undefined
      if (!req.body || !/json/i.test(req.contentType)) throw new ApiError(400, 'Only JSON sends can be queued (X-Send-Mode: queue)')
      const messageId = newMessageId()
      const phone = recipientFor(req.action, req.body)
      const row = await insertQueued(deps.sql, {
        messageId,
        userId: req.user.id,
        instance: req.instance,
        action: req.action,
        body: req.body,
        contentType: req.contentType,
        phone,
        messageType: messageTypeFor(req.action, req.body),
        messageText: messageTextFor(req.action, req.body),
        logKey: randomUUID(),
        ttlSeconds: deps.config.QUEUED_SEND_TTL_SECONDS,
      })
      // The row is committed: should this enqueue fail, the worker's sweep finds the row anyway.
      await enqueueDrain(deps, req.instance).catch((err: Error) => deps.log.warn({ instance: req.instance, err: err.message }, 'queued send: drain enqueue failed; the sweep will pick it up'))
      notifyQueueStatus(deps, { instance: req.instance, messageId, remoteJid: remoteJidOf(phone), status: 'queued' })
      const answer = {
        key: { remoteJid: remoteJidOf(phone), fromMe: true, id: messageId },
        status: 'queued',
        messageTimestamp: Math.floor(row.created_at.getTime() / 1000),
        queue: { seq: Number(row.seq), expiresAt: row.expires_at.toISOString() },
      }
      return { status: 202, headers: { 'content-type': 'application/json; charset=utf-8' }, body: Buffer.from(JSON.stringify(answer)) }
    },
  }
}

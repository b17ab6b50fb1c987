/**
 * @module upstream/services/message-raw
 * Evolution's "messageRaw": the JSON a send route answers and send.message / messages.upsert /
 * messages.set carry.
 */
import type { MessageSource, WaMessage } from '../driver/types.js'

export type MessageRaw = {
  key: WaMessage['key']
  pushName: string
  status: string
  message: Record<string, unknown>
  contextInfo: null
  messageType: string
  messageTimestamp: number
  instanceId: string
  source: MessageSource
}

export function toMessageRaw(m: WaMessage, instanceId: string): MessageRaw {
  return {
    key: m.key,
    pushName: m.pushName,
    status: m.status,
    message: m.message,
    contextInfo: null,
    messageType: m.messageType,
    messageTimestamp: m.messageTimestamp,
    instanceId,
    source: m.source ?? 'web',
  }
}

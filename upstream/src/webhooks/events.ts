/**
 * @module upstream/webhooks/events
 * Evolution's event names (the shared list, common/src/evolution/webhook-events) and the dotted names
 * this service emits.
 */
export { configName, kebabName, WEBHOOK_EVENTS, type WebhookEventName } from '../../../common/src/evolution/webhook-events.js'

/** The dotted names this service emits. */
export type EmittedEvent =
  | 'qrcode.updated' | 'connection.update' | 'send.message' | 'messages.upsert' | 'messages.update'
  | 'instance.create' | 'instance.delete' | 'remove.instance' | 'logout.instance' | 'status.instance'
  // The chat store's (services/store-*.ts): shapes in upstream/AGENTS.md "Chat store".
  | 'messages.set' | 'messages.delete' | 'messages.edited' | 'chats.set' | 'chats.upsert' | 'chats.update' | 'chats.delete'
  | 'contacts.upsert' | 'contacts.update'
  // The chat action routes' (services/chat-actions.ts): updateMessage's edit.
  | 'send.message.update'
  // Labels (services/label-events.ts).
  | 'labels.edit' | 'labels.association'

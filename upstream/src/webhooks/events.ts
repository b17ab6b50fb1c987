/**
 * @module upstream/webhooks/events
 * Evolution's event names (the shared list, common/src/evolution/webhook-events) and the dotted names
 * this service emits.
 */
import { configName } from '../../../common/src/evolution/webhook-events.js'

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
  // Groups (services/group-events.ts).
  | 'groups.upsert' | 'groups.update' | 'group-participants.update'
  // Presence of subscribed contacts (DriverEvents.presence).
  | 'presence.update'

/**
 * Is `event` subscribed by this config list? `groups.update`'s config name would be GROUPS_UPDATE, which
 * Evolution's allowed list spells GROUP_UPDATE (so Evolution never delivers it, quirk Q11): either spelling does here.
 */
export function isSubscribed(events: readonly string[], event: string): boolean {
  const name = configName(event)
  return events.includes(name) || (name === 'GROUPS_UPDATE' && events.includes('GROUP_UPDATE'))
}

/**
 * @module upstream/webhooks/events
 * Evolution's event names: the dotted envelope value, the UPPER_SNAKE config name used in
 * `webhook.events`, and the kebab path suffix of by-events mode.
 */

/** Every config name webhook/set accepts (Evolution 2.3.7's allowed list, GROUP_UPDATE spelling included). */
export const WEBHOOK_EVENTS = [
  'APPLICATION_STARTUP', 'QRCODE_UPDATED', 'MESSAGES_SET', 'MESSAGES_UPSERT', 'MESSAGES_EDITED', 'MESSAGES_UPDATE',
  'MESSAGES_DELETE', 'SEND_MESSAGE', 'SEND_MESSAGE_UPDATE', 'CONTACTS_SET', 'CONTACTS_UPSERT', 'CONTACTS_UPDATE',
  'PRESENCE_UPDATE', 'CHATS_SET', 'CHATS_UPSERT', 'CHATS_UPDATE', 'CHATS_DELETE', 'GROUPS_UPSERT', 'GROUP_UPDATE',
  'GROUP_PARTICIPANTS_UPDATE', 'CONNECTION_UPDATE', 'LABELS_EDIT', 'LABELS_ASSOCIATION', 'CALL', 'TYPEBOT_START',
  'TYPEBOT_CHANGE_STATUS', 'REMOVE_INSTANCE', 'LOGOUT_INSTANCE', 'INSTANCE_CREATE', 'INSTANCE_DELETE', 'STATUS_INSTANCE',
] as const

export type WebhookEventName = (typeof WEBHOOK_EVENTS)[number]

/** The dotted names this service emits. */
export type EmittedEvent =
  | 'qrcode.updated' | 'connection.update' | 'send.message' | 'messages.upsert' | 'messages.update'
  | 'instance.create' | 'instance.delete' | 'remove.instance' | 'logout.instance' | 'status.instance'

/** `messages.update` -> `MESSAGES_UPDATE`. */
export const configName = (event: string): string => event.toUpperCase().replace(/[.-]/g, '_')

/** `messages.update` -> `messages-update` (by-events URL suffix). */
export const kebabName = (event: string): string => configName(event).toLowerCase().replace(/_/g, '-')

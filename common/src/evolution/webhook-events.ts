/**
 * @module common/evolution/webhook-events
 * Evolution API v2's webhook event names, the one list both services use: the upstream accepts them in
 * `webhook/set` and emits the dotted forms; the gateway lets users subscribe to them and syncs the union
 * upstream. Three spellings of one event: the config name in `webhook.events` (`MESSAGES_UPDATE`), the
 * dotted envelope value (`messages.update`) and the kebab suffix of by-events URLs (`messages-update`).
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

/** `messages.update` -> `MESSAGES_UPDATE`. */
export const configName = (event: string): string => event.toUpperCase().replace(/[.-]/g, '_')

/** `messages.update` -> `messages-update` (by-events URL suffix). */
export const kebabName = (event: string): string => configName(event).toLowerCase().replace(/_/g, '-')

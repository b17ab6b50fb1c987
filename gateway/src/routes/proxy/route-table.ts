/**
 * @module routes/proxy/route-table
 * D1 (docs/decisions.md#d1): the deny-by-default list of upstream (Evolution v2) routes a USER may call, each with where its
 * instance name lives. Anything not listed is admin-only. Matching runs on the normalised path
 * (upstream-path.ts); literal segments compare case-insensitively because Express (the upstream) does,
 * so `/MESSAGE/sendText/x` cannot dodge the message log or the ownership check.
 */
import type { Method } from '../../lib/route.js'

export type ProxyKind =
  /** Proxied as is (request body streamed). */
  | 'forward'
  /** /message/* sends: body buffered for the message log (D13, docs/decisions.md#d13). */
  | 'message'
  /** Intercepted: POST /instance/create. */
  | 'create'
  /** Intercepted: DELETE /instance/delete/{name}. */
  | 'delete'
  /** Proxied, response filtered and normalised (D2, docs/decisions.md#d2, D14 (docs/decisions.md#d14)). */
  | 'fetchInstances'
  /** POST /group/sendInvite: a send to every number of the body, logged and limited (./invite.ts). */
  | 'invite'

export type RouteRule = {
  method: Method
  /** Pattern, e.g. `/message/sendText/:instance`. */
  path: string
  kind: ProxyKind
  /** Where the instance is named: a path segment index, a body field, or nowhere. */
  instance: { from: 'path'; index: number } | { from: 'body'; field: string } | null
  /** Users may not call it even on their own instance (D3, docs/decisions.md#d3: /webhook/set). */
  adminOnly?: boolean
  /**
   * The owner or an admin only, as deleting (D2, docs/decisions.md#d2): a grantee may use the instance but not
   * reroute its traffic (/proxy/set, docs/proxy.md).
   */
  ownerOnly?: boolean
  /** Method sent upstream when it differs (D14: PUT restart is an alias of v2's POST). */
  upstreamMethod?: Method
}

export type RouteMatch = { rule: RouteRule; instance: string | null }

/** First path segments the proxy never claims: they belong to native routes and their 404/405s. */
export const NATIVE_PREFIXES = new Set(['api', 'admin', 'health', 'status', 'panel', 'metrics'])

const onInstance = (method: Method, family: string, actions: string[], kind: ProxyKind = 'forward'): RouteRule[] =>
  actions.map((a) => ({ method, path: `/${family}/${a}/:instance`, kind, instance: { from: 'path', index: 2 } }))

export const ROUTES: RouteRule[] = [
  { method: 'POST', path: '/instance/create', kind: 'create', instance: { from: 'body', field: 'instanceName' } },
  { method: 'GET', path: '/instance/fetchInstances', kind: 'fetchInstances', instance: null },
  { method: 'DELETE', path: '/instance/delete/:instance', kind: 'delete', instance: { from: 'path', index: 2 } },
  ...onInstance('GET', 'instance', ['connect', 'connectionState']),
  ...onInstance('POST', 'instance', ['restart', 'setPresence']),
  { method: 'PUT', path: '/instance/restart/:instance', kind: 'forward', instance: { from: 'path', index: 2 }, upstreamMethod: 'POST' },
  ...onInstance('DELETE', 'instance', ['logout']),
  ...onInstance('POST', 'message', [
    'sendText', 'sendMedia', 'sendPtv', 'sendWhatsAppAudio', 'sendStatus', 'sendSticker', 'sendLocation',
    'sendContact', 'sendReaction', 'sendPoll', 'sendList', 'sendButtons', 'sendTemplate',
  ], 'message'),
  ...onInstance('POST', 'chat', [
    'whatsappNumbers', 'markMessageAsRead', 'archiveChat', 'markChatUnread', 'fetchProfilePictureUrl',
    'getBase64FromMediaMessage', 'updateMessage', 'sendPresence', 'updateBlockStatus', 'findContacts',
    'findMessages', 'findStatusMessage', 'findChats', 'fetchBusinessProfile', 'fetchProfile', 'updateProfileName',
    'updateProfileStatus', 'updateProfilePicture', 'updatePrivacySettings',
  ]),
  ...onInstance('DELETE', 'chat', ['deleteMessageForEveryone', 'removeProfilePicture']),
  ...onInstance('GET', 'chat', ['fetchPrivacySettings']),
  ...onInstance('POST', 'group', [
    'create', 'updateGroupPicture', 'updateGroupSubject', 'updateGroupDescription', 'revokeInviteCode',
    'updateParticipant', 'updateSetting', 'toggleEphemeral',
  ]),
  ...onInstance('POST', 'group', ['sendInvite'], 'invite'),
  ...onInstance('GET', 'group', ['inviteCode', 'acceptInviteCode', 'inviteInfo', 'findGroupInfos', 'fetchAllGroups', 'participants']),
  ...onInstance('DELETE', 'group', ['leaveGroup']),
  ...onInstance('POST', 'settings', ['set']),
  ...onInstance('GET', 'settings', ['find']),
  ...onInstance('GET', 'webhook', ['find']),
  ...onInstance('GET', 'label', ['findLabels']),
  ...onInstance('POST', 'label', ['handleLabel']),
  { method: 'POST', path: '/webhook/set/:instance', kind: 'forward', instance: { from: 'path', index: 2 }, adminOnly: true },
  // The host is checked by index.ts (side-channels.ts) for everyone, admins included: no internal address.
  { method: 'POST', path: '/proxy/set/:instance', kind: 'forward', instance: { from: 'path', index: 2 }, ownerOnly: true },
  ...onInstance('GET', 'proxy', ['find']),
]

const keyOf = (method: string, segments: string[]) => `${method} ${segments.join('/')}`

/** Compiled once: "METHOD a/b/:" -> rule (":" marks the instance segment). */
const INDEX = new Map<string, RouteRule>(
  ROUTES.map((r) => [keyOf(r.method, r.path.slice(1).split('/').map((s) => (s.startsWith(':') ? ':' : s.toLowerCase()))), r]),
)

/** Finds the rule for a method and normalised path; null = not listed (admin-only). */
export function matchRoute(method: string, segments: string[]): RouteMatch | null {
  if (segments.length === 0) return null
  const lower = segments.map((s) => s.toLowerCase())
  const exact = INDEX.get(keyOf(method, lower))
  if (exact) return { rule: exact, instance: null }
  const withInstance = INDEX.get(keyOf(method, [...lower.slice(0, -1), ':']))
  if (withInstance && withInstance.instance?.from === 'path') {
    return { rule: withInstance, instance: segments[withInstance.instance.index] ?? null }
  }
  return null
}

/** True when the path belongs to a native route family (the proxy steps aside for 404/405). */
export function isNativePath(segments: string[]): boolean {
  return segments.length > 0 && NATIVE_PREFIXES.has(segments[0]!.toLowerCase())
}

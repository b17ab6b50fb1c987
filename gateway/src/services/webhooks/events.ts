/**
 * @module services/webhooks/events
 * Webhook event names users may subscribe to: Evolution v2's list plus the reference's spelling
 * GROUPS_UPDATE (v2 says GROUP_UPDATE; both are accepted and mean the same). Create takes any list of
 * names, as the reference does (clients send names such as "MESSAGE"): unknown ones are kept on the row,
 * reported as `ignored_events` and never synced upstream. Update refuses them (`Invalid event: <name>`).
 * Both are valibot rules: the webhook bodies (routes/webhooks/schemas.ts) validate with them and the
 * OpenAPI document shows them.
 */
import * as v from 'valibot'
import { configName, WEBHOOK_EVENTS } from '../../../../common/src/evolution/webhook-events.js'

/** Evolution v2's list, shared with the upstream. */
export const V2_EVENTS = WEBHOOK_EVENTS

/**
 * Events the gateway itself emits (docs/delivery-guarantees.md): a pause of sending and its end, a message
 * with no server ack. Subscribable and delivered like the others, never asked of the upstream.
 */
export const GATEWAY_EVENTS = ['SENDING_PAUSED', 'SENDING_RESUMED', 'MESSAGE_UNCONFIRMED'] as const

/** The names update accepts, in the order the document lists them. */
export const SUBSCRIBABLE_EVENTS = [...V2_EVENTS, 'GROUPS_UPDATE', ...GATEWAY_EVENTS] as const

/** What the upstream knows (synced to it). */
export const ALLOWED_EVENTS: ReadonlySet<string> = new Set<string>([...V2_EVENTS, 'GROUPS_UPDATE'])

const SUBSCRIBABLE: ReadonlySet<string> = new Set<string>(SUBSCRIBABLE_EVENTS)

/** One spelling per event: the v2 config name. */
export const canonicalEvent = (name: string): string => (name === 'GROUPS_UPDATE' ? 'GROUP_UPDATE' : name)

/** Envelope `event` (`messages.update`, `groups.update`) -> canonical config name. */
export const eventConfigName = (dotted: string): string => canonicalEvent(configName(dotted))

const invalidEvent = (ev: unknown) => `Invalid event: ${typeof ev === 'string' ? ev : JSON.stringify(ev)}`
/** Duplicates removed, first occurrence kept in place. */
const distinct = <T extends string>(list: T[]): T[] => [...new Set(list)]

/** `events` of an update: an array of known names ([] = all events); duplicates removed, order kept. */
export const EventsRule = v.pipe(
  v.array(v.picklist(SUBSCRIBABLE_EVENTS, (issue) => invalidEvent(issue.input)), 'events must be an array'),
  v.transform((list) => distinct(list)),
)

/**
 * `events` of a create body, as the reference takes them: a non-array is [] (all events), strings are
 * kept (duplicates removed, order kept) whether Evolution knows them or not (`ignoredEvents` lists the
 * unknown ones). Only a non-string entry is refused (it has no name to keep). The document shows the
 * array clients send; the leniency for anything else is the reference's, not an invitation.
 */
export const CreateEventsRule = v.pipe(
  v.unknown(),
  v.metadata({ type: 'array', items: { type: 'string' }, description: 'Event names; [] = all. Names Evolution does not know are kept but never delivered (ignored_events)' }),
  v.transform((x) => (Array.isArray(x) ? (x as unknown[]) : [])),
  v.array(v.string((issue) => invalidEvent(issue.input))),
  v.transform((list) => distinct(list)),
)

/** The names of a create's list that Evolution does not know (kept on the row, never synced). */
export const ignoredEvents = (events: readonly string[]): string[] => events.filter((e) => !SUBSCRIBABLE.has(e))

/**
 * What a stored list asks of the upstream: its known names ([] = all). null when it names only events
 * Evolution does not know: it wants nothing deliverable, which is not the same as "all".
 */
export function upstreamEvents(events: readonly string[]): string[] | null {
  if (events.length === 0) return []
  const known = events.filter((e) => ALLOWED_EVENTS.has(e))
  return known.length ? known : null
}

/** Does a webhook with `events` ([] = all) want this canonical event? */
export function wants(events: readonly string[], canonical: string): boolean {
  return events.length === 0 || events.some((e) => canonicalEvent(e) === canonical)
}

/**
 * The upstream holds ONE webhook per instance, pointing at the gateway; it must carry the union of what
 * every active user webhook of the instance wants. [] means all (any webhook wanting all wins).
 */
export function unionEvents(lists: ReadonlyArray<readonly string[]>): string[] {
  if (lists.some((l) => l.length === 0)) return []
  return [...new Set(lists.flat().map(canonicalEvent))].sort()
}

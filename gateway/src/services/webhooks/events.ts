/**
 * @module services/webhooks/events
 * Webhook event names users may subscribe to: Evolution v2's list plus the reference's spelling
 * GROUPS_UPDATE (v2 says GROUP_UPDATE; both are accepted and mean the same). Create takes any list of
 * names, as the reference does (clients send names such as "MESSAGE"): unknown ones are kept on the row,
 * reported as `ignored_events` and never synced upstream. Update refuses them (`Invalid event: <name>`).
 */
import { configName, WEBHOOK_EVENTS } from '../../../../common/src/evolution/webhook-events.js'
import { ApiError } from '../../errors/api-error.js'

/** Evolution v2's list, shared with the upstream. */
export const V2_EVENTS = WEBHOOK_EVENTS

export const ALLOWED_EVENTS: ReadonlySet<string> = new Set<string>([...V2_EVENTS, 'GROUPS_UPDATE'])

/** One spelling per event: the v2 config name. */
export const canonicalEvent = (name: string): string => (name === 'GROUPS_UPDATE' ? 'GROUP_UPDATE' : name)

/** Envelope `event` (`messages.update`, `groups.update`) -> canonical config name. */
export const eventConfigName = (dotted: string): string => canonicalEvent(configName(dotted))

/** `events` of a create/update body: absent = [] (all events); duplicates removed, order kept. */
export function parseEvents(value: unknown): string[] {
  if (value === undefined) return []
  if (!Array.isArray(value)) throw new ApiError(400, 'events must be an array')
  const out: string[] = []
  for (const ev of value) {
    if (typeof ev !== 'string' || !ALLOWED_EVENTS.has(ev)) throw new ApiError(400, `Invalid event: ${typeof ev === 'string' ? ev : JSON.stringify(ev)}`)
    if (!out.includes(ev)) out.push(ev)
  }
  return out
}

/**
 * `events` of a create body, as the reference takes them: a non-array is [] (all events), strings are
 * kept (duplicates removed, order kept) whether Evolution knows them or not; `ignored` lists the unknown
 * ones. Only a non-string entry is refused (it has no name to keep).
 */
export function parseCreateEvents(value: unknown): { events: string[]; ignored: string[] } {
  if (!Array.isArray(value)) return { events: [], ignored: [] }
  const events: string[] = []
  for (const ev of value) {
    if (typeof ev !== 'string') throw new ApiError(400, `Invalid event: ${JSON.stringify(ev)}`)
    if (!events.includes(ev)) events.push(ev)
  }
  return { events, ignored: events.filter((e) => !ALLOWED_EVENTS.has(e)) }
}

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

/**
 * @module services/status/inputs
 * Inputs shared by the incident and maintenance admin routes: `service_ids` checked against
 * taguato.services (the reference ignored unknown ids silently), ISO 8601 dates (zone-less = UTC).
 */
import * as v from 'valibot'
import type { Queryable } from '../../db/client.js'
import { unknownServiceIds } from '../../db/queries/incidents.js'
import { ApiError } from '../../errors/api-error.js'
import { validate } from '../../lib/body.js'
import { storable } from '../../lib/timestamp-range.js'

const IDS_MESSAGE = 'service_ids must be an array of service ids'
const ServiceIdRule = v.pipe(v.number(IDS_MESSAGE), v.integer(IDS_MESSAGE), v.minValue(1, IDS_MESSAGE), v.maxValue(2_147_483_647, IDS_MESSAGE))
export const ServiceIdsRule = v.array(ServiceIdRule, IDS_MESSAGE)

/** An incident names what it affects: without a service the page's banner could not say what is down. */
export const AT_LEAST_ONE_SERVICE = 'service_ids must name at least one affected service (see GET /admin/incidents/services)'
/** Required and non-empty (absent, null and [] answer AT_LEAST_ONE_SERVICE; a wrong type the usual message). */
export const RequiredServiceIdsRule = v.pipe(
  v.array(ServiceIdRule, (issue) => (issue.input === undefined || issue.input === null ? AT_LEAST_ONE_SERVICE : IDS_MESSAGE)),
  v.minLength(1, AT_LEAST_ONE_SERVICE),
)

/** undefined when absent; otherwise the ids, every one an existing service (400 otherwise). */
export async function readServiceIds(db: Queryable, value: unknown): Promise<number[] | undefined> {
  if (value === undefined) return undefined
  const ids = validate(ServiceIdsRule, value)
  const unknown = await unknownServiceIds(db, ids)
  if (unknown.length > 0) throw new ApiError(400, `Unknown service id: ${unknown.join(', ')}`)
  return [...new Set(ids)]
}

const ISO = /^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}(?::?\d{2})?)?)?$/i

/** Parses an ISO 8601 date or date-time; without a zone it is UTC (D11, docs/decisions.md#d11). Null when invalid. */
export function parseIsoDate(s: string): Date | null {
  const t = s.trim()
  if (!ISO.test(t)) return null
  const hasZone = /(?:Z|[+-]\d{2}(?::?\d{2})?)$/i.test(t) && t.length > 10
  const normal = t.length === 10 ? `${t}T00:00:00Z` : `${t.replace(' ', 'T')}${hasZone ? '' : 'Z'}`
  const d = new Date(normal)
  if (Number.isNaN(d.getTime()) || !storable(d)) return null
  // Calendar overflow (2025-02-30) must not roll into the next month.
  const [y, m, day] = t.slice(0, 10).split('-').map(Number) as [number, number, number]
  return new Date(Date.UTC(y, m - 1, day)).toISOString().slice(0, 10) === t.slice(0, 10) ? d : null
}

export const isoDateRule = (name: string) =>
  v.pipe(
    v.string(`${name} must be an ISO 8601 date`),
    v.transform((s) => parseIsoDate(s)),
    v.custom<Date>((d) => d instanceof Date, `${name} must be an ISO 8601 date`),
  )

/** Required non-empty string with the route's presence message, at most `max` bytes. */
export const requiredText = (missing: string, name: string, max: number) =>
  v.pipe(v.string(missing), v.nonEmpty(missing), v.maxBytes(max, `${name} must be at most ${max} characters`))

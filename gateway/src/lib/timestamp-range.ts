/**
 * @module lib/timestamp-range
 * The instants a client date may name. ISO 8601 with four-digit years reaches 0000-9999, JavaScript
 * dates much further, but PostgreSQL has no year 0 and postgres.js writes years past 9999 as "+010000-...",
 * which PostgreSQL cannot read: such a value reached the query and answered 500. Every date parser of the
 * API refuses what is outside [0001-01-01, 9999-12-31] (its route's 400), and computed bounds are clamped.
 */

export const MIN_TIMESTAMP_MS = Date.parse('0001-01-01T00:00:00.000Z')
export const MAX_TIMESTAMP_MS = Date.parse('9999-12-31T23:59:59.999Z')

/** True when PostgreSQL can store the instant as written by postgres.js. */
export function storable(d: Date): boolean {
  const t = d.getTime()
  return t >= MIN_TIMESTAMP_MS && t <= MAX_TIMESTAMP_MS
}

/** An exclusive upper bound computed from a date (date_to + 1 day), kept storable. */
export function boundAfter(ms: number): Date {
  return new Date(Math.min(ms, MAX_TIMESTAMP_MS))
}

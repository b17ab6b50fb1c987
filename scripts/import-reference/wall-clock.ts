/**
 * @module scripts/import-reference/wall-clock
 * The reference stored TIMESTAMP without time zone: wall-clock text in its server's zone. Stored values
 * are converted by PostgreSQL itself (the target session's TimeZone); this is for the few decisions the
 * import makes before writing (is a session still alive?), in the same zone.
 */

const parts = (zone: string) =>
  new Intl.DateTimeFormat('en-US', {
    timeZone: zone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit',
  })

/** How far `zone`'s wall clock is ahead of UTC at an instant, in ms. */
function offsetMs(zone: string, instant: number): number {
  const p = Object.fromEntries(parts(zone).formatToParts(new Date(instant)).map((x) => [x.type, x.value]))
  const asUtc = Date.UTC(Number(p.year), Number(p.month) - 1, Number(p.day), Number(p.hour), Number(p.minute), Number(p.second))
  return asUtc - (instant - (((instant % 1000) + 1000) % 1000))
}

const WALL = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,6}))?)?$/

/**
 * The instant a wall-clock text meant in `zone` ("2025-01-15T10:30:00" in America/Asuncion ->
 * 13:30Z); null for anything else. In a DST gap or overlap the offset before the change is used.
 */
export function wallToInstant(wall: unknown, zone: string): Date | null {
  if (typeof wall !== 'string') return null
  const m = WALL.exec(wall)
  if (!m) return null
  const ms = Number((m[7] ?? '0').padEnd(3, '0').slice(0, 3))
  const asUtc = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6] ?? 0), ms)
  const first = asUtc - offsetMs(zone, asUtc)
  const second = asUtc - offsetMs(zone, first)
  return new Date(second)
}

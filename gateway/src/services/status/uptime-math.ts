/**
 * @module services/status/uptime-math
 * Turns uptime_checks aggregates into what the status page draws: percentages floored to 2 decimals
 * (99.999 must never read 100) and a fixed run of daily buckets with null where nothing was measured.
 */

/** ok/total as a percentage floored to 2 decimals; null when there is no data. */
export function uptimePct(ok: number, total: number): number | null {
  if (total <= 0) return null
  // Integer arithmetic first: floor(ok * 10000 / total) avoids 99.99999 rounding up through floats.
  return Math.floor((ok * 10000) / total) / 100
}

/** UTC day of a Date as YYYY-MM-DD (D11 (docs/decisions.md#d11) day buckets). */
export const utcDay = (d: Date): string => d.toISOString().slice(0, 10)

export type DayCount = { day: string; ok: number; total: number }
export type DayBucket = { day: string; pct: number | null }

/**
 * `days` consecutive UTC days ending with `today` (inclusive), oldest first; each carries the day's
 * percentage or null when the day has no checks.
 */
export function dailyBuckets(rows: DayCount[], today: Date, days: number): DayBucket[] {
  const byDay = new Map(rows.map((r) => [r.day, r]))
  const end = Date.UTC(today.getUTCFullYear(), today.getUTCMonth(), today.getUTCDate())
  const out: DayBucket[] = []
  for (let i = days - 1; i >= 0; i--) {
    const day = utcDay(new Date(end - i * 86_400_000))
    const r = byDay.get(day)
    out.push({ day, pct: r ? uptimePct(r.ok, r.total) : null })
  }
  return out
}

export const UPTIME_WINDOWS = { '24h': 1, '7d': 7, '30d': 30, '90d': 90 } as const
export type UptimeWindow = keyof typeof UPTIME_WINDOWS

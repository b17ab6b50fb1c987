/**
 * Message ticks that follow the live stream: `message.status` events (a message_logs row of this user
 * moved to sent, delivered, read or failed) are kept by row id and by WhatsApp message id, so a screen
 * that already shows a status (History rows, chat bubbles) shows the newer one without reloading.
 * A status never moves backwards (the gateway applies the same rule), so a stale event cannot undo one.
 */
import { useEffect, useState } from 'preact/hooks'
import { onLiveEvent } from './live-events.js'

const RANK: Record<string, number> = { sending: 0, sent: 1, delivered: 2, failed: 2, read: 3 }
const rank = (s: string | null | undefined) => (s ? (RANK[s] ?? 9) : -1)

/** The newer of two statuses (failed and cancelled never move on). */
export function newerStatus(current: string | null | undefined, pushed: string | null | undefined): string | null {
  if (!pushed) return current ?? null
  if (!current) return pushed
  if (current === 'failed' || current === 'cancelled') return current
  return rank(pushed) > rank(current) ? pushed : current
}

export type LiveStatusOf = {
  /** The status to show for a message_logs row, given the one it was loaded with. */
  byRow: (id: number, loaded: string) => string
  /** The same for a WhatsApp message id (chat bubbles). */
  byWaId: (waId: string, loaded: string | null) => string | null
}

/** Statuses pushed while the screen is open. */
export function useLiveMessageStatus(): LiveStatusOf {
  const [seen, setSeen] = useState<{ rows: Map<number, string>; wa: Map<string, string> }>({ rows: new Map(), wa: new Map() })
  useEffect(
    () =>
      onLiveEvent((e) => {
        if (e.type !== 'message.status') return
        setSeen((s) => {
          const rows = new Map(s.rows).set(e.id, newerStatus(s.rows.get(e.id), e.status)!)
          const wa = new Map(s.wa).set(e.waMessageId, newerStatus(s.wa.get(e.waMessageId), e.status)!)
          return { rows, wa }
        })
      }),
    [],
  )
  return {
    byRow: (id, loaded) => newerStatus(loaded, seen.rows.get(id)) ?? loaded,
    byWaId: (waId, loaded) => newerStatus(loaded, seen.wa.get(waId)),
  }
}

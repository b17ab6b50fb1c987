/**
 * @module upstream/webhooks/deliveries
 * A bounded in-memory log of webhook delivery attempts, read by GET /sandbox/webhooks/deliveries.
 */
import { configName } from './events.js'

export type DeliveryAttempt = {
  url: string
  /** The envelope's dotted event name (`messages.update`). */
  event: string
  instance: string
  /** HTTP status of the answer, null when none came (timeout, refused). */
  status: number | null
  attempt: number
  error: string | null
  at: string
}

export class DeliveryLog {
  private items: DeliveryAttempt[] = []

  constructor(private readonly max = 1000) {}

  add(d: DeliveryAttempt): void {
    this.items.push(d)
    // Oldest entries go first: the log is for recent activity only.
    if (this.items.length > this.max) this.items.splice(0, this.items.length - this.max)
  }

  list(filter: { event?: string | undefined; instance?: string | undefined } = {}): DeliveryAttempt[] {
    // The event filter takes the dotted (`messages.update`) or config (`MESSAGES_UPDATE`) spelling.
    const ev = filter.event
    return this.items.filter((d) => (!ev || d.event === ev || configName(d.event) === ev) && (!filter.instance || d.instance === filter.instance))
  }

  clear(): void {
    this.items = []
  }
}

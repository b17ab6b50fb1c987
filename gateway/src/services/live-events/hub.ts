/**
 * @module services/live-events/hub
 * Fan-out of live events to the panel's streams, across gateway replicas and cluster workers: whoever
 * produces an event (the internal webhook receiver, the delivery-status updater) publishes it on one Redis
 * channel; every process keeps one subscriber connection (opened with its first stream) and hands each
 * event to its local streams that may see it: admins everything, other users the instances they may use
 * (D2, docs/decisions.md#d2) and their own message rows. Publishing while Redis is down drops the event:
 * the panel's fallback poll still converges.
 */
import type { Redis } from 'ioredis'
import type { Logger } from 'pino'
import type { AuthUser } from '../../db/queries/users.js'
import type { LiveEnvelope, LiveEvent } from './events.js'

export type { LiveEnvelope, LiveEvent } from './events.js'

/** One channel per database, so stacks sharing a Redis (tests) do not see each other's events. */
export function liveChannel(databaseUrl: string): string {
  const u = new URL(databaseUrl)
  return `taguato:live:${u.hostname}:${u.port || '5432'}${u.pathname}`
}

/**
 * Publishes one event to every process (fire and forget). `to`: one account (its own message rows), the
 * accounts named (an instance already gone), or null for everyone who may use the instance.
 */
export function publishLive(redis: Redis, channel: string, event: LiveEvent, to: number | number[] | null = null): void {
  const envelope: LiveEnvelope = Array.isArray(to) ? { event, userId: null, userIds: to } : { event, userId: to }
  redis.publish(channel, JSON.stringify(envelope)).catch(() => undefined)
}

/** A connected stream: who it belongs to and how to write to it. */
export type LiveListener = { user: Pick<AuthUser, 'id' | 'role'>; send: (event: LiveEvent) => void }

export type MayUse = (user: Pick<AuthUser, 'id' | 'role'>, instance: string) => Promise<boolean>

export class LiveHub {
  private readonly listeners = new Set<LiveListener>()
  private subscriber: Redis | undefined

  constructor(
    private readonly redis: Redis,
    private readonly channel: string,
    private readonly mayUse: MayUse,
    private readonly log: Logger,
  ) {}

  /** Adds a stream; returns its removal. Opens the subscriber connection on first use. */
  add(listener: LiveListener): () => void {
    this.listeners.add(listener)
    this.subscribe()
    return () => void this.listeners.delete(listener)
  }

  get size(): number {
    return this.listeners.size
  }

  /** Resolves once the subscriber listens (tests; a stream may open before it does). */
  async ready(): Promise<void> {
    this.subscribe()
    const sub = this.subscriber!
    for (let i = 0; i < 100 && !(sub.status === 'ready' && this.subscribed); i++) await new Promise((r) => setTimeout(r, 20))
  }

  async close(): Promise<void> {
    this.listeners.clear()
    this.subscriber?.disconnect()
    this.subscriber = undefined
  }

  private subscribed = false

  private subscribe(): void {
    if (this.subscriber) return
    const sub = this.redis.duplicate({ enableOfflineQueue: true, maxRetriesPerRequest: null })
    this.subscriber = sub
    sub.on('error', () => undefined) // the main connection already logs Redis outages
    sub.on('message', (_channel: string, text: string) => void this.deliver(text))
    sub.on('ready', () => {
      sub.subscribe(this.channel).then(
        () => void (this.subscribed = true),
        (err: Error) => this.log.warn({ err: err.message }, 'live events subscribe failed'),
      )
    })
  }

  private async deliver(text: string): Promise<void> {
    let envelope: LiveEnvelope
    try {
      envelope = JSON.parse(text) as LiveEnvelope
    } catch {
      return
    }
    const { event, userId, userIds } = envelope
    if (!event || typeof event.instance !== 'string') return
    for (const l of [...this.listeners]) {
      try {
        const named = Array.isArray(userIds) ? l.user.role === 'admin' || userIds.includes(l.user.id) : null
        if (named ?? (await this.visible(l.user, event.instance, userId))) l.send(event)
      } catch (err) {
        this.log.debug({ err: (err as Error).message }, 'live event not delivered')
      }
    }
  }

  private async visible(user: Pick<AuthUser, 'id' | 'role'>, instance: string, userId: number | null): Promise<boolean> {
    if (user.role === 'admin') return true
    if (userId !== null) return userId === user.id
    return this.mayUse(user, instance)
  }
}

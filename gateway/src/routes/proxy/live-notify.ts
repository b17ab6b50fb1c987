/**
 * @module routes/proxy/live-notify
 * What the proxy tells the panel's live stream (services/live-events) about changes made through the API
 * that no upstream webhook reports to every screen: an instance created or deleted (the panel's list
 * adds or drops it), and a logout answered 2xx (`instance.state` close, so pickers disable sends at once
 * even when the upstream's own connection.update arrives late or not at all; the panel's model is
 * idempotent, so both arriving is harmless).
 */
import type { Deps } from '../../deps.js'
import { liveChannel, publishLive, type LiveEvent } from '../../services/live-events/index.js'

/** Publishes `event` to `to` (account ids; admins always receive it) or, when null, to whoever may use the instance. */
export function notifyLive(deps: Deps, event: LiveEvent, to: number[] | null = null): void {
  publishLive(deps.redis, liveChannel(deps.config.DATABASE_URL), event, to)
}

/** DELETE /instance/logout/{instance}: the one proxied route whose success closes the connection. */
export function isLogout(method: string, segments: readonly string[]): boolean {
  return method === 'DELETE' && segments[0]?.toLowerCase() === 'instance' && segments[1]?.toLowerCase() === 'logout'
}

/** The state event a successful logout means (reason 401, as the upstream reports an intentional logout). */
export function loggedOut(instance: string): LiveEvent {
  return { type: 'instance.state', instance, state: 'close', number: null, profileName: null, statusReason: 401 }
}

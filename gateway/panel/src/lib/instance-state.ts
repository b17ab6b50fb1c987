/**
 * The panel's one model of instance state, shared by the instance cards, the instance screen, the
 * connect window and the instance pickers, so they can never disagree. It is loaded from
 * GET /instance/fetchInstances, kept current by the live stream (lib/live-events: `instance.state`,
 * `instance.qrcode`, `instance.created` and `instance.deleted`), and polled every 10 s only while the
 * stream is not live. A row the list reports as `connecting` is checked against
 * GET /instance/connectionState (an instance created through the API and never linked must not read
 * "Connecting" forever).
 */
import { useEffect, useState } from 'preact/hooks'
import { session } from '../api/client.js'
import { instancesApi, type Instance } from '../api/instances.js'
import { toast } from '../components/toast.js'
import { onLiveEvent, onLiveStatus, liveStatus, type InstanceQrEvent, type LiveEvent } from './live-events.js'

const POLL_MS = 10_000

let list: Instance[] | null = null
/** The session the list was loaded for: another login starts from a fresh load. */
let loadedFor: string | null = null
let loading: Promise<void> | null = null
const subscribers = new Set<(l: Instance[] | null) => void>()
const qrListeners = new Set<(e: InstanceQrEvent) => void>()
let stopLive: (() => void) | null = null
let stopStatus: (() => void) | null = null
let poll: ReturnType<typeof setInterval> | null = null

function publish(next: Instance[] | null): void {
  list = next
  for (const fn of [...subscribers]) fn(list)
}

/** Refetches the list (concurrent calls share one request). Errors are the caller's (toasts). */
export function reloadInstances(): Promise<void> {
  loading ??= (async () => {
    try {
      const rows = await instancesApi.list()
      loadedFor = session.token()
      publish(await Promise.all(rows.map(confirmConnecting)))
    } finally {
      loading = null
    }
  })()
  return loading
}

/** The list says `connecting`: ask connectionState, the upstream's live answer. */
async function confirmConnecting(i: Instance): Promise<Instance> {
  if (i.state !== 'connecting') return i
  try {
    const s = (await instancesApi.state(i.name)).instance?.state
    return s ? { ...i, state: s } : i
  } catch {
    return i
  }
}

/** Applies one state change locally (a live event, or an action's known outcome). */
export function applyInstanceState(name: string, patch: Partial<Pick<Instance, 'state' | 'phone' | 'profileName'>>): void {
  if (!list) return
  if (!list.some((i) => i.name === name)) return void reloadInstances().catch(() => undefined)
  const clean = Object.fromEntries(Object.entries(patch).filter(([, v]) => v !== undefined && v !== null)) as Partial<Instance>
  // A disconnected instance keeps its last phone on the card only until the next load says otherwise.
  publish(list.map((i) => (i.name === name ? { ...i, ...clean } : i)))
}

function onEvent(e: LiveEvent): void {
  if (e.type === 'instance.state') applyInstanceState(e.instance, { state: e.state, phone: e.number, profileName: e.profileName })
  else if (e.type === 'instance.qrcode') for (const fn of [...qrListeners]) fn(e)
  // Created elsewhere: the list brings its full row (integration, owner). Deleted: dropped at once.
  else if (e.type === 'instance.created') void reloadInstances().catch(() => undefined)
  else if (e.type === 'instance.deleted' && list) publish(list.filter((i) => i.name !== e.instance))
}

function startPolling(): void {
  poll ??= setInterval(() => void reloadInstances().catch(() => undefined), POLL_MS)
}
function stopPolling(): void {
  if (poll) clearInterval(poll)
  poll = null
}

function attach(): void {
  if (stopLive) return
  stopLive = onLiveEvent(onEvent)
  let was = liveStatus()
  stopStatus = onLiveStatus((s) => {
    if (s === 'live') {
      stopPolling()
      // Back after a gap: what happened meanwhile was not pushed.
      if (was !== 'live') void reloadInstances().catch(() => undefined)
    } else startPolling()
    was = s
  })
  if (liveStatus() !== 'live') startPolling()
}

function detach(): void {
  stopLive?.()
  stopStatus?.()
  stopLive = stopStatus = null
  stopPolling()
}

/** The instances the user may see, live (null while the first load runs). */
export function useInstances(): { list: Instance[] | null; reload: () => Promise<void> } {
  if (list !== null && loadedFor !== session.token()) list = null
  const [value, setValue] = useState<Instance[] | null>(list)
  useEffect(() => {
    subscribers.add(setValue)
    attach()
    setValue(list)
    if (list === null) void reloadInstances().catch((e: unknown) => toast.err(e))
    return () => {
      subscribers.delete(setValue)
      if (subscribers.size === 0) detach()
    }
  }, [])
  return { list: value, reload: reloadInstances }
}

/** One instance of the model (undefined while loading, null when not visible). */
export function useInstance(name: string): Instance | null | undefined {
  const { list: l } = useInstances()
  return l === null ? undefined : (l.find((i) => i.name === name) ?? null)
}

/** New QR or pairing codes pushed for `name` (the connect window). */
export function useInstanceQr(name: string, fn: (e: InstanceQrEvent) => void): void {
  useEffect(() => {
    const own = (e: InstanceQrEvent) => e.instance === name && fn(e)
    qrListeners.add(own)
    return () => void qrListeners.delete(own)
  }, [name])
}

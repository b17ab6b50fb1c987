/**
 * The panel's one connection to the gateway's live stream (GET /api/events, Server-Sent Events). An
 * EventSource cannot send the apikey header and the session token must never sit in a URL, so each
 * connection first trades the session for a one-time ticket (POST /api/events/ticket). The stream is
 * opened while something listens and closed when nothing does. When it fails (a proxy that buffers, the
 * gateway restarting), it is retried with a growing delay, and `onLiveStatus` listeners are told, so the
 * state model can fall back to polling and refetch what it missed once the stream is back.
 */
import { api, session } from '../api/client.js'

export type InstanceStateEvent = { type: 'instance.state'; instance: string; state: string; number: string | null; profileName: string | null; statusReason: number | null }
export type InstanceQrEvent = { type: 'instance.qrcode'; instance: string; base64: string | null; pairingCode: string | null; count: number | null }
export type MessageStatusEvent = { type: 'message.status'; instance: string; id: number; waMessageId: string; status: string; error: string | null }
export type JobProgressEvent = { type: 'job.progress'; instance: string; jobId: number; status: string; sent: number; failed: number; total: number }
/** An instance was created or deleted (in the panel, in another tab or through the API). */
export type InstanceListEvent = { type: 'instance.created' | 'instance.deleted'; instance: string }
export type LiveEvent = InstanceStateEvent | InstanceQrEvent | MessageStatusEvent | JobProgressEvent | InstanceListEvent
export type LiveStatus = 'off' | 'connecting' | 'live' | 'down'

const TYPES: LiveEvent['type'][] = ['instance.state', 'instance.qrcode', 'message.status', 'job.progress', 'instance.created', 'instance.deleted']
const RETRY_MS = [2000, 5000, 15_000, 30_000]

const listeners = new Set<(e: LiveEvent) => void>()
const statusListeners = new Set<(s: LiveStatus) => void>()
let source: EventSource | null = null
let status: LiveStatus = 'off'
let failures = 0
let retryTimer: ReturnType<typeof setTimeout> | null = null
let stopTimer: ReturnType<typeof setTimeout> | null = null

function setStatus(s: LiveStatus): void {
  if (s === status) return
  status = s
  for (const fn of [...statusListeners]) fn(s)
}

export const liveStatus = (): LiveStatus => status

async function open(): Promise<void> {
  if (source || retryTimer || !session.token() || typeof EventSource === 'undefined') return
  setStatus('connecting')
  let ticket: string
  try {
    ticket = (await api.post<{ ticket: string }>('/api/events/ticket')).ticket
  } catch {
    return retry()
  }
  if (listeners.size === 0 || source) return
  const es = new EventSource(`/api/events?ticket=${encodeURIComponent(ticket)}`)
  source = es
  es.addEventListener('ready', () => {
    failures = 0
    setStatus('live')
  })
  for (const type of TYPES) {
    es.addEventListener(type, (m) => {
      let e: LiveEvent
      try {
        e = JSON.parse((m as MessageEvent<string>).data) as LiveEvent
      } catch {
        return
      }
      for (const fn of [...listeners]) fn(e)
    })
  }
  // The ticket was single use: EventSource's own reconnect would be refused, so start over with a new one.
  es.onerror = () => {
    es.close()
    if (source === es) source = null
    retry()
  }
}

function retry(): void {
  setStatus('down')
  if (retryTimer || listeners.size === 0) return
  const delay = RETRY_MS[Math.min(failures, RETRY_MS.length - 1)]!
  failures++
  retryTimer = setTimeout(() => {
    retryTimer = null
    if (listeners.size > 0) void open()
  }, delay)
}

function close(): void {
  source?.close()
  source = null
  if (retryTimer) clearTimeout(retryTimer)
  retryTimer = null
  setStatus('off')
}

/** Listens to every live event; opens the stream if needed. Returns the unsubscribe. */
export function onLiveEvent(fn: (e: LiveEvent) => void): () => void {
  listeners.add(fn)
  if (stopTimer) clearTimeout(stopTimer)
  stopTimer = null
  void open()
  return () => {
    listeners.delete(fn)
    // Screens swap listeners on navigation: keep the stream a moment instead of reopening it.
    if (listeners.size === 0 && !stopTimer) stopTimer = setTimeout(() => ((stopTimer = null), listeners.size === 0 && close()), 5000)
  }
}

/** Told when the stream goes live, down or off (the state model polls while it is not live). */
export function onLiveStatus(fn: (s: LiveStatus) => void): () => void {
  statusListeners.add(fn)
  return () => void statusListeners.delete(fn)
}

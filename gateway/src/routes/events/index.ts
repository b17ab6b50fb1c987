/**
 * @module routes/events
 * The panel's live stream (Server-Sent Events):
 *  - POST /api/events/ticket  (session) -> {ticket, expires_in}: a one-time ticket valid 60 s;
 *  - GET  /api/events?ticket=           the stream: `instance.state`, `instance.qrcode`, `message.status`,
 *    `job.progress`, `instance.created` and `instance.deleted` events the user may see, a `: ping`
 *    comment every 15 s.
 * EventSource cannot send the apikey header and the session token must never sit in a URL, hence the
 * ticket (services/live-events/tickets). The session is checked again on every heartbeat (without
 * sliding it): a revoked or expired session's stream ends within 15 s. At most MAX_STREAMS_PER_USER streams per user (429 beyond).
 */
import { streamSSE } from 'hono/streaming'
import * as v from 'valibot'
import type { Deps } from '../../deps.js'
import { findSessionUser } from '../../db/queries/users.js'
import { ApiError } from '../../errors/api-error.js'
import { validate } from '../../lib/body.js'
import { register, type Router } from '../../lib/route.js'
import { sha256Hex } from '../../services/sessions/tokens.js'
import { LiveHub, liveChannel, LiveSlots, LiveTickets, MAX_STREAMS_PER_USER, TICKET_TTL_SECONDS } from '../../services/live-events/index.js'

const tags = ['events']
export const HEARTBEAT_MS = 15_000

const StreamQuery = v.object({
  ticket: v.pipe(v.string('ticket is required'), v.regex(/^[0-9a-f]{64}$/, 'ticket must be the 64 hex characters POST /api/events/ticket answered')),
})

/** Mounts the routes; returns the hub (tests wait on `hub.ready()`). */
export function eventRoutes(r: Router, deps: Deps): LiveHub {
  const channel = liveChannel(deps.config.DATABASE_URL)
  const hub = new LiveHub(deps.redis, channel, (user, name) => deps.instances.mayUse(user, name), deps.log)
  const tickets = new LiveTickets(deps.redis)
  const slots = new LiveSlots(deps.redis, channel)
  deps.shutdownHooks.push(() => hub.close())

  register(r, { method: 'POST', path: '/api/events/ticket', access: 'session', tags,
    summary: 'A one-time ticket (60 s) to open the live event stream', response: { status: 201, description: '{ticket, expires_in}' } }, async (c) => {
    const token = c.req.header('apikey') ?? ''
    let ticket: string
    try {
      ticket = await tickets.issue(sha256Hex(token))
    } catch {
      throw new ApiError(503, 'Live events are unavailable right now')
    }
    return c.json({ ticket, expires_in: TICKET_TTL_SECONDS }, 201)
  })

  register(r, { method: 'GET', path: '/api/events', access: 'public', tags, query: StreamQuery, produces: 'text/event-stream',
    summary: 'Live events the caller may see (Server-Sent Events; ticket from POST /api/events/ticket)', response: { status: 200, description: 'text/event-stream' } }, async (c) => {
    const missing = c.req.query('ticket') === undefined
    if (missing) throw new ApiError(401, 'A ticket is required: POST /api/events/ticket first')
    const { ticket } = validate(StreamQuery, c.req.query())
    const hash = await tickets.redeem(ticket).catch(() => null)
    const user = hash ? await deps.sessions.authenticateHash(hash) : null
    if (!hash || !user || !user.is_active) throw new ApiError(401, 'Invalid or expired ticket')
    const slot = await slots.take(user.id)
    if (slot === null) throw new ApiError(429, `Too many live streams: at most ${MAX_STREAMS_PER_USER} per user`)

    c.header('Cache-Control', 'no-store')
    c.header('X-Accel-Buffering', 'no')
    return streamSSE(c, async (stream) => {
      let done: () => void = () => undefined
      const ended = new Promise<void>((resolve) => (done = resolve))
      const remove = hub.add({
        user,
        send: (event) => void stream.writeSSE({ event: event.type, data: JSON.stringify(event) }).catch(() => done()),
      })
      const beat = setInterval(() => {
        void (async () => {
          // Read without sliding the session: an idle tab must not keep its session alive forever.
          const still = await findSessionUser(deps.sql, hash).catch(() => user)
          if (!still || !still.is_active) return done()
          slots.touch(user.id, slot)
          await stream.write(': ping\n\n')
        })().catch(() => done())
      }, HEARTBEAT_MS)
      stream.onAbort(() => done())
      await stream.writeSSE({ event: 'ready', data: JSON.stringify({ user: user.id, heartbeat_ms: HEARTBEAT_MS }) })
      await ended
      clearInterval(beat)
      remove()
      slots.release(user.id, slot)
    })
  })
  return hub
}

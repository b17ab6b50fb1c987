/**
 * @module services/live-events
 * The panel's live stream, gateway side: what an event is and how an upstream webhook becomes one
 * (events), the Redis fan-out to the streams of every process, scoped to what each user may see (hub),
 * the one-time tickets that open a stream without the session token in a URL (tickets), and the bound
 * on streams per user across replicas (slots). The route is routes/events; producers are
 * routes/internal (instance state, QR codes, delivery statuses) and routes/proxy (instances created,
 * deleted or logged out through the API).
 */
export { liveEventFrom, numberFromJid, type LiveEvent, type LiveEnvelope } from './events.js'
export { LiveHub, liveChannel, publishLive } from './hub.js'
export { LiveSlots, MAX_STREAMS_PER_USER } from './slots.js'
export { LiveTickets, TICKET_TTL_SECONDS } from './tickets.js'

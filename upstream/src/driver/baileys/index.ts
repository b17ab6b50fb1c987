/**
 * @module upstream/driver/baileys
 * WhatsApp Web (multi-device) through @whiskeysockets/baileys 7.0.0-rc14. Files:
 * - driver.ts: BaileysDriver (one session per instance; socket factory, timers, randomness injectable)
 * - session.ts: the per-instance state machine (QR, pairing code, open, close policy, sends), built from
 *   session-options.ts; liveness.ts: the ping probe of an open socket; protocol-fixes.ts: what rc14 misses
 *   on the raw WebSocket; socket-errors.ts: reading Baileys' failures; number-check.ts: onWhatsApp -> exists
 * - reconnect-policy.ts: what each DisconnectReason means, and the backoff
 * - auth-state.ts + ../../db/baileys-auth.ts: creds and signal keys in PostgreSQL (upstream.baileys_auth)
 * - owner-lock.ts: one owner per instance across replicas (advisory lock)
 * - content.ts: OutboundContent -> Baileys content; events.ts: Baileys messages/receipts -> WaMessage/acks;
 *   store-listeners.ts: messages, history, chats, contacts, updates and deletes -> the chat store's DriverEvents
 * - socket-factory.ts: the socket surface used and the real makeWASocket factory; caches.ts: small LRUs
 * Operator documentation: docs/whatsapp-baileys.md.
 */
export { BaileysDriver, type BaileysDriverOptions } from './driver.js'
export { BaileysSession } from './session.js'
export { realTimers, type Timers } from './session-options.js'
export { parseWaVersion, realSocketFactory, type SocketFactory, type SocketParams, type WaSocket } from './socket-factory.js'

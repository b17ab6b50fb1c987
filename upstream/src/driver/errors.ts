/**
 * @module upstream/driver/errors
 * Errors every driver throws the same way, so the service maps them without knowing the driver.
 */
import { badRequest } from '../lib/errors.js'

/** A socket operation needed an open session (Baileys' Boom "Connection Closed"). */
export class ConnectionClosedError extends Error {
  constructor() {
    super('Connection Closed')
    this.name = 'ConnectionClosedError'
  }
}

/** Evolution's 400 for what the WhatsApp Cloud API cannot do (video notes, statuses, labels). */
export const notAvailable = () => badRequest('Method not available on WhatsApp Business API')

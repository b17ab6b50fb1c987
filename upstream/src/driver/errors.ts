/**
 * @module upstream/driver/errors
 * Errors every driver throws the same way, so the service maps them without knowing the driver.
 */

/** A socket operation needed an open session (Baileys' Boom "Connection Closed"). */
export class ConnectionClosedError extends Error {
  constructor() {
    super('Connection Closed')
    this.name = 'ConnectionClosedError'
  }
}

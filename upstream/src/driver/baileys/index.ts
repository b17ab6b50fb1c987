/**
 * @module upstream/driver/baileys
 * WhatsApp Web (multi-device) through @whiskeysockets/baileys. PLACEHOLDER: being implemented.
 */
import type { UpstreamConfig } from '../../config.js'
import type { DriverContext } from '../index.js'
import type { DriverEvents, DriverSession, SessionInfo, WhatsAppDriver } from '../types.js'

export class BaileysDriver implements WhatsAppDriver {
  readonly name = 'baileys'

  static fromConfig(_config: UpstreamConfig, _ctx: DriverContext): BaileysDriver {
    return new BaileysDriver()
  }

  open(_info: SessionInfo, _events: DriverEvents): DriverSession {
    throw new Error('Baileys driver not implemented yet')
  }

  async close(): Promise<void> {}
}

/**
 * @module upstream/driver/cloud
 * Meta's WhatsApp Cloud API (Graph API). PLACEHOLDER: being implemented.
 */
import type { UpstreamConfig } from '../../config.js'
import type { DriverContext } from '../index.js'
import type { DriverEvents, DriverSession, SessionInfo, WhatsAppDriver } from '../types.js'

export class CloudApiDriver implements WhatsAppDriver {
  readonly name = 'cloud'

  static fromConfig(_config: UpstreamConfig, _ctx: DriverContext): CloudApiDriver {
    return new CloudApiDriver()
  }

  open(_info: SessionInfo, _events: DriverEvents): DriverSession {
    throw new Error('Cloud API driver not implemented yet')
  }

  async close(): Promise<void> {}
}

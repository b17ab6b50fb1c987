/**
 * @module upstream/driver
 * Picks the WhatsApp driver named by UPSTREAM_DRIVER. A real backend (Baileys 7.0.0-rc11+) would be
 * another case here implementing driver/types.ts.
 */
import type { UpstreamConfig } from '../config.js'
import { SandboxDriver } from './sandbox.js'
import type { WhatsAppDriver } from './types.js'

export function createDriver(config: UpstreamConfig): WhatsAppDriver {
  switch (config.UPSTREAM_DRIVER) {
    case 'sandbox':
      return new SandboxDriver({
        autoconnectMs: config.SANDBOX_AUTOCONNECT_MS,
        ackDelayMs: config.SANDBOX_ACK_DELAY_MS,
        qrRotateMs: config.SANDBOX_QR_ROTATE_MS,
        qrLimit: config.QRCODE_LIMIT,
        qrColor: config.QRCODE_COLOR,
      })
  }
}

/**
 * @module upstream/driver
 * Picks the WhatsApp backend of each instance. UPSTREAM_DRIVER=sandbox puts every instance on the
 * simulator; UPSTREAM_DRIVER=real chooses by the instance's `integration`, as Evolution does:
 * WHATSAPP-BAILEYS -> Baileys (WhatsApp Web), WHATSAPP-BUSINESS -> Meta's Cloud API.
 */
import type { UpstreamConfig } from '../config.js'
import { BaileysDriver } from './baileys/index.js'
import { CloudApiDriver } from './cloud/index.js'
import { SandboxDriver } from './sandbox.js'
import type { DriverContext, DriverEvents, DriverSession, SessionInfo, WhatsAppDriver } from './types.js'

export type { DriverContext }

export type Drivers = {
  /** Routes each instance to its backend. */
  driver: WhatsAppDriver
  /** The Cloud API driver (null on the sandbox): POST /webhook/meta hands Meta's events to it. */
  cloud: CloudApiDriver | null
}

/** Opens each session on the backend `pick` names for its instance. */
class RoutingDriver implements WhatsAppDriver {
  constructor(
    readonly name: string,
    private readonly pick: (info: SessionInfo) => WhatsAppDriver,
    private readonly all: WhatsAppDriver[],
  ) {}

  open(info: SessionInfo, events: DriverEvents): DriverSession {
    return this.pick(info).open(info, events)
  }

  async close(): Promise<void> {
    await Promise.allSettled(this.all.map((d) => d.close()))
  }
}

function sandbox(config: UpstreamConfig, acksHeld?: () => boolean): SandboxDriver {
  return new SandboxDriver({
    autoconnectMs: config.SANDBOX_AUTOCONNECT_MS,
    ackDelayMs: config.SANDBOX_ACK_DELAY_MS,
    acksHeld,
    qrRotateMs: config.SANDBOX_QR_ROTATE_MS,
    qrLimit: config.QRCODE_LIMIT,
    qrColor: config.QRCODE_COLOR,
  })
}

/** `acksHeld`: the sandbox's `holdAcks` fault (faults/store), read when a message is sent. */
export function createDrivers(config: UpstreamConfig, ctx: DriverContext, acksHeld?: () => boolean): Drivers {
  if (config.UPSTREAM_DRIVER === 'sandbox') return { driver: sandbox(config, acksHeld), cloud: null }
  const baileys = BaileysDriver.fromConfig(config, ctx)
  const cloud = CloudApiDriver.fromConfig(config, ctx)
  // EVOLUTION (the channel integration) has no WhatsApp connection of its own: it stays simulated.
  const channel = sandbox(config, acksHeld)
  const pick = (info: SessionInfo): WhatsAppDriver =>
    info.integration === 'WHATSAPP-BAILEYS' ? baileys : info.integration === 'WHATSAPP-BUSINESS' ? cloud : channel
  return { driver: new RoutingDriver('real', pick, [baileys, cloud, channel]), cloud }
}

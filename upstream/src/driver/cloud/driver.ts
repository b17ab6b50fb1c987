/**
 * @module upstream/driver/cloud/driver
 * The Cloud API driver: one CloudSession per WHATSAPP-BUSINESS instance, one Graph client for all.
 * POST /webhook/meta calls `deliver` with each change, routed by phone number id.
 */
import type { UpstreamConfig } from '../../config.js'
import type { DriverContext, DriverEvents, SessionInfo, WhatsAppDriver } from '../types.js'
import { GraphClient } from './graph-client.js'
import { CloudSession } from './session.js'
import type { RoutedChange } from './webhook.js'

export class CloudApiDriver implements WhatsAppDriver {
  readonly name = 'cloud'
  private readonly sessions = new Set<CloudSession>()

  constructor(private readonly graph: GraphClient) {}

  static fromConfig(config: UpstreamConfig, _ctx?: DriverContext): CloudApiDriver {
    return new CloudApiDriver(new GraphClient({ baseUrl: config.GRAPH_API_URL, timeoutMs: config.GRAPH_API_TIMEOUT_MS }))
  }

  open(info: SessionInfo, events: DriverEvents): CloudSession {
    const s: CloudSession = new CloudSession(info, events, this.graph, () => this.sessions.delete(s))
    this.sessions.add(s)
    return s
  }

  /** Gives a webhook change to every open session of its phone number id; answers how many took it. */
  deliver(change: RoutedChange): number {
    let n = 0
    for (const s of this.sessions) {
      if (s.phoneNumberId === change.phoneNumberId) {
        s.deliver(change)
        n++
      }
    }
    return n
  }

  async close(): Promise<void> {
    await Promise.all([...this.sessions].map((s) => s.end()))
  }
}

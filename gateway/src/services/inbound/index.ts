/**
 * @module services/inbound
 * Inbound messages (what contacts write) from the upstream's messages.upsert events into
 * taguato.inbound_messages. Both receivers of routes/internal hand every envelope here; the same
 * message arriving through both is stored once (unique instance + key id). Fire and forget: a failed
 * insert is logged, never answered to the upstream as an error (it would only retry the same event).
 */
import type { Logger } from 'pino'
import type { Db } from '../../db/client.js'
import { insertInbound } from '../../db/queries/inbound-messages.js'
import { inboundRowsFrom } from './parse.js'

export { inboundRowsFrom, messageText } from './parse.js'

export class InboundRecorder {
  constructor(
    private readonly db: Db,
    private readonly log: Logger,
  ) {}

  /** Stores the inbound messages an envelope carries; resolves to how many were new. */
  async record(instance: string, envelope: Record<string, unknown>): Promise<number> {
    let stored = 0
    for (const row of inboundRowsFrom(instance, envelope)) if (await insertInbound(this.db, row)) stored++
    return stored
  }

  /** From a receiver: store in the background. */
  handle(instance: string, envelope: Record<string, unknown>): void {
    void this.record(instance, envelope).catch((err: Error) => this.log.warn({ instance, err: err.message }, 'inbound message not stored'))
  }
}

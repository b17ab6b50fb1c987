/**
 * @module upstream/driver/baileys/protocol-fixes
 * What Baileys 7.0.0-rc14 does not handle on the raw WebSocket, patched from outside (R10, docs/decisions.md#r10,
 * known defects): an HTTP error answer to the upgrade, WhatsApp's top-level <status> stanza, and
 * companion_reg_refresh. `live()` says whether the socket is still the session's current one.
 */
import { S_WHATSAPP_NET, type BinaryNode } from '@whiskeysockets/baileys'
import type { Logger } from 'pino'
import { Reason } from './reconnect-policy.js'
import type { WaSocket } from './socket-factory.js'

export function attachProtocolFixes(sock: WaSocket, live: () => boolean, log: Logger, onUpgradeRefused: (code: number) => void): void {
  // An HTTP error answer to the WebSocket upgrade: Baileys listens for `unexpected-response`, so
  // `ws` neither errors nor closes and rc14 would sit in `connecting` forever. Treat it as a drop.
  sock.ws.on('unexpected-response', (_req: unknown, res: { statusCode?: number } | undefined) => {
    if (!live()) return
    const code = res?.statusCode ?? Reason.connectionClosed
    log.warn({ code }, 'WhatsApp answered the WebSocket upgrade with an HTTP error')
    onUpgradeRefused(code)
  })
  // Known defect (R10): WhatsApp's top-level <status> stanza goes unacknowledged in rc14 and
  // the server drops such connections after ~50 min. Ack it the way Baileys acks other stanzas.
  sock.ws.on('CB:status', (node: BinaryNode) => {
    const { id, from } = node.attrs
    if (!live() || !id) return
    const attrs: Record<string, string> = { id, to: from ?? S_WHATSAPP_NET, class: node.tag }
    if (node.attrs.type) attrs.type = node.attrs.type
    sock.sendNode({ tag: 'ack', attrs }).catch((err: unknown) => log.warn({ err }, 'acking <status> failed'))
  })
  // companion_reg_refresh (Baileys PR #2765) is not handled by rc14; detect it so the log explains a
  // QR scan that never completes (the fix: connect with ?number= and link by pairing code).
  const regRefresh = () => log.warn('WhatsApp sent companion_reg_refresh, which Baileys rc14 ignores: if the QR scan does not complete, link with a pairing code')
  sock.ws.on('CB:notification,type:companion_reg_refresh', regRefresh)
  sock.ws.on('CB:ib,,companion_reg_refresh', regRefresh)
}

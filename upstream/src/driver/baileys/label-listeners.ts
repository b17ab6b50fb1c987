/**
 * @module upstream/driver/baileys/label-listeners
 * Baileys' label events (lib/Types/Events.d.ts) -> the seam's `labels` event: `labels.edit` (one label
 * created, renamed, recoloured or deleted) and `labels.association` of a chat (message labels are not
 * stored: Evolution keeps only chat labels). A LID chat is reported as is (Baileys gives no phone JID here).
 */
import { jidNormalizedUser } from '@whiskeysockets/baileys'
import type { DriverEvents } from '../types.js'
import type { WaSocket } from './socket-factory.js'

export function attachLabelListeners(sock: WaSocket, live: () => boolean, events: DriverEvents): void {
  sock.ev.on('labels.edit', (l) => {
    if (!live() || !l.id) return
    events.labels({ type: 'edit', labels: [{ id: l.id, name: l.name, color: l.color, predefinedId: l.predefinedId, deleted: l.deleted }] })
  })
  sock.ev.on('labels.association', ({ association, type }) => {
    if (!live() || association.type !== 'label_jid') return
    events.labels({ type: 'association', action: type, chatId: jidNormalizedUser(association.chatId), labelId: association.labelId })
  })
}
